// Calls to the console's JSON endpoints and to the bus API (POST / with
// X-Amz-Target, exactly what the AWS SDK sends). A failure becomes an Error
// carrying the server's own message, which the page shows where the call was made.
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
  let response
  try {
    response = await fetch('/', {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSEvents.${action}` },
      body: JSON.stringify(input)
    })
  } catch (err) {
    throw new Error(`the server did not answer (${err.message})`)
  }
  const json = await response.json().catch(() => null)
  if (!response.ok) throw new Error(`${json?.__type ?? response.status}: ${json?.message ?? response.statusText}`)
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
