import { invalid } from './errors.js'

// IP addresses are compared as bit strings: a family tag ('4' or '6') followed by
// the address bits. A CIDR block is then a plain prefix of that string, so the
// rule index can find blocks with the same trie it uses for string prefixes.

const IPV4_SHAPE = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/
const IPV6_SHAPE = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/

/** True when the text has the shape of an IP literal (what EventBridge checks before parsing). */
export function looksLikeIp (text: string): boolean {
  return IPV4_SHAPE.test(text) || IPV6_SHAPE.test(text)
}

function bits (value: number, width: number): string {
  return value.toString(2).padStart(width, '0')
}

function parseIpv4 (text: string): string | null {
  const parts = text.split('.')
  let out = '4'
  for (const part of parts) {
    const n = Number(part)
    if (n > 255) return null
    out += bits(n, 8)
  }
  return out
}

function parseIpv6 (text: string): string | null {
  const halves = text.split('::')
  if (halves.length > 2) return null
  const head = halves[0] === '' ? [] : halves[0]!.split(':')
  const tail = halves.length === 2 && halves[1] !== '' ? halves[1]!.split(':') : []
  const groups = halves.length === 2 ? head.length + tail.length : head.length
  if (halves.length === 2 ? groups > 7 : groups !== 8) return null
  const all = halves.length === 2
    ? [...head, ...new Array<string>(8 - groups).fill('0'), ...tail]
    : head
  let out = ''
  for (const group of all) {
    if (!HEX_GROUP.test(group)) return null
    out += bits(parseInt(group, 16), 16)
  }
  // An IPv4-mapped address (::ffff:a.b.c.d) is an IPv4 address, as Java's InetAddress treats it.
  if (out.startsWith('0'.repeat(80) + '1'.repeat(16))) return '4' + out.slice(96)
  return '6' + out
}

/** The tagged bit string of an IP literal, or null when the text is not one. */
export function ipBits (text: string): string | null {
  if (IPV4_SHAPE.test(text)) return parseIpv4(text)
  if (IPV6_SHAPE.test(text)) return parseIpv6(text)
  return null
}

/** Java's String.split drops trailing empty strings; EventBridge's CIDR check relies on it. */
function javaSplitSlash (text: string): string[] {
  const parts = text.split('/')
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop()
  return parts
}

/** Validates a `cidr` operand and returns the bit-string prefix every address in the block starts with. */
export function parseCidr (text: string): string {
  const slashed = javaSplitSlash(text)
  if (slashed.length !== 2) invalid("Malformed CIDR, one '/' required")
  const maskText = slashed[1]!
  const mask = /^[+-]?[0-9]+$/.test(maskText) ? Number(maskText) : NaN
  if (!Number.isInteger(mask) || Math.abs(mask) > 2147483647) invalid('Malformed CIDR, mask bits must be an integer')
  if (mask < 0) invalid('Malformed CIDR, mask bits must not be negative')
  const ip = slashed[0]!
  if (!looksLikeIp(ip)) invalid('Nonstandard IP address: ' + ip)
  const address = ipBits(ip)
  if (address === null) invalid('Invalid IP address: ' + ip)
  if (address[0] === '4' && mask > 31) invalid('IPv4 mask bits must be < 32')
  if (address[0] === '6' && mask > 127) invalid('IPv6 mask bits must be < 128')
  return address.slice(0, 1 + mask)
}
