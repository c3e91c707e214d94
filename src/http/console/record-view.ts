// How the console shows one key, value or header: JSON and text as text,
// anything that is not UTF-8 (or holds control bytes) as hex, and never more
// than a fixed number of characters, so a 1 MB value cannot freeze the page.
export const MAX_TEXT_CHARS = 64 * 1024
const MAX_HEX_BYTES = 16 * 1024

export interface ShownBytes {
  encoding: 'null' | 'json' | 'text' | 'hex'
  text: string
  /** Bytes in the original. */
  size: number
  truncated: boolean
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

export function showBytes (bytes: Buffer | null): ShownBytes {
  if (bytes === null) return { encoding: 'null', text: '', size: 0, truncated: false }
  const text = asText(bytes)
  if (text === null) {
    const shown = bytes.subarray(0, MAX_HEX_BYTES)
    return { encoding: 'hex', text: shown.toString('hex'), size: bytes.length, truncated: shown.length < bytes.length }
  }
  if (text.length > MAX_TEXT_CHARS) return { encoding: 'text', text: text.slice(0, MAX_TEXT_CHARS), size: bytes.length, truncated: true }
  return { encoding: looksLikeJson(text) ? 'json' : 'text', text, size: bytes.length, truncated: false }
}

/** The bytes as text, or null when they are not UTF-8 or hold control characters other than whitespace. */
export function asText (bytes: Buffer): string | null {
  let text: string
  try {
    text = utf8.decode(bytes)
  } catch {
    return null
  }
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u0008\u000e-\u001f\u007f]/.test(text) ? null : text
}

function looksLikeJson (text: string): boolean {
  const first = text.trimStart()[0]
  if (first !== '{' && first !== '[') return false
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}
