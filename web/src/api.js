// Calls to the console's JSON endpoints and to the bus API (POST / with
// X-Amz-Target, exactly what the AWS SDK sends; signed like the SDK when the
// user gave a bus key, see sigv4.js). A failure becomes an Error carrying the
// server's own message, which the page shows where the call was made.
import { signRequest } from './sigv4.js'

const BUS_KEY = 'tributary.busCredentials'

/** The bus key typed into the console, kept in sessionStorage: gone when the tab closes. */
export function busCredentials () {
  try { return JSON.parse(sessionStorage.getItem(BUS_KEY) ?? 'null') } catch { return null }
}
export function setBusCredentials (credentials) {
  if (credentials === null) sessionStorage.removeItem(BUS_KEY)
  else sessionStorage.setItem(BUS_KEY, JSON.stringify(credentials))
}
export async function api (method, path, body) {
  let response
  try {
    response = await fetch(path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body)
    })
  } catch (err) {
    throw new Error(`the server did not answer (${err.message})`)
  }
  const json = await response.json().catch(() => null)
  if (!response.ok) throw new Error(json?.message ?? `${response.status} ${response.statusText}`)
  return json
}

export async function busApi (action, input) {
  const body = JSON.stringify(input)
  const headers = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSEvents.${action}` }
  const credentials = busCredentials()
  // the browser sends Host itself (location.host); it is signed, not set
  const signed = credentials === null ? {} : await signRequest({ credentials, headers: { ...headers, host: window.location.host }, body })
  let response
  try {
    response = await fetch('/', { method: 'POST', headers: { ...headers, ...signed }, body })
  } catch (err) {
    throw new Error(`the server did not answer (${err.message})`)
  }
  const json = await response.json().catch(() => null)
  if (!response.ok) {
    const hint = json?.__type === 'MissingAuthenticationTokenException' ? ' (this broker requires signed bus requests: enter a bus access key above)' : ''
    throw new Error(`${json?.__type ?? response.status}: ${json?.message ?? response.statusText}${hint}`)
  }
  return json
}

/** Checks a JSON object typed by the user; returns [value, null] or [null, message]. */
export function parseJsonObject (text, what) {
  try {
    const value = JSON.parse(text)
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return [null, `${what} must be a JSON object`]
    return [value, null]
  } catch (err) {
    return [null, `${what} is not valid JSON: ${err.message}`]
  }
}

export function formatBytes (n) {
  if (n === null || n === undefined) return '-'
  const units = ['B', 'KB', 'MB', 'GB', 'TB']
  let i = 0
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++ }
  return `${n < 10 && i > 0 ? n.toFixed(1) : Math.round(n)} ${units[i]}`
}

export function formatRate (n) {
  return n >= 100 ? String(Math.round(n)) : n.toFixed(1)
}

export function formatTime (ms) {
  return ms === null || ms === undefined ? '-' : new Date(ms).toISOString().replace('T', ' ').replace('Z', '')
}
