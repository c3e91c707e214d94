// AWS Signature Version 4 for the bus API, in the browser: with `bus.credentials`
// configured the broker answers only signed requests, and the console sends its
// bus actions to the same POST / as the AWS SDK, signed the same way with a key
// the user types in (kept for the tab's session only). Web Crypto's SHA-256 and
// HMAC do the hashing; it exists on loopback and HTTPS pages, the only places a
// signed bus should be reached from (docs/security.md).
const enc = new TextEncoder()

const hex = buf => [...new Uint8Array(buf)].map(b => b.toString(16).padStart(2, '0')).join('')
const sha256 = async text => hex(await crypto.subtle.digest('SHA-256', enc.encode(text)))
async function hmac (key, text) {
  const k = await crypto.subtle.importKey('raw', typeof key === 'string' ? enc.encode(key) : key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  return crypto.subtle.sign('HMAC', k, enc.encode(text))
}

/** 2026-12-03T12:00:00.123Z → 20261203T120000Z */
export const amzDate = date => date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')

/**
 * The headers to add to a POST `path` of `body` with `headers` (lower-case
 * names; `host` must be what the browser will send, location.host): x-amz-date
 * and Authorization, signing every given header.
 */
export async function signRequest ({ credentials, region = 'us-east-1', service = 'events', path = '/', headers, body, date = new Date() }) {
  if (!crypto?.subtle) throw new Error('this page cannot sign bus requests: Web Crypto needs a loopback or HTTPS address')
  const stamp = amzDate(date)
  const day = stamp.slice(0, 8)
  const all = { ...headers, 'x-amz-date': stamp }
  const names = Object.keys(all).map(n => n.toLowerCase()).sort()
  const lower = Object.fromEntries(Object.entries(all).map(([n, v]) => [n.toLowerCase(), String(v).trim().replace(/\s+/g, ' ')]))
  const signedHeaders = names.join(';')
  const canonical = ['POST', path, '', ...names.map(n => `${n}:${lower[n]}`), '', signedHeaders, await sha256(body)].join('\n')
  const scope = `${day}/${region}/${service}/aws4_request`
  const toSign = ['AWS4-HMAC-SHA256', stamp, scope, await sha256(canonical)].join('\n')
  let key = await hmac(`AWS4${credentials.secretAccessKey}`, day)
  for (const part of [region, service, 'aws4_request']) key = await hmac(key, part)
  const signature = hex(await hmac(key, toSign))
  return {
    'x-amz-date': stamp,
    authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`
  }
}
