// How deeply JSON may nest in what the bus takes in (a PutEvents Detail, a
// TestEventPattern event, a pattern, a record read from a bus topic). Parsing
// is iterative in V8, but JSON.stringify, the matcher's event walk and the
// pattern compiler recurse, so 100,000 levels would overflow the stack. The
// check runs before any of them, in one loop over the text or the value.
// 1,000 is the default nesting limit of Jackson (StreamReadConstraints), the
// JSON parser of AWS's Java services.
export const MAX_JSON_DEPTH = 1000

/** Does JSON text open more than `max` objects/arrays inside each other? Strings are skipped. */
export function jsonTextTooDeep (text: string, max = MAX_JSON_DEPTH): boolean {
  // Nesting deeper than `max` takes more than `max` opening brackets. Counting them with indexOf
  // (native) is far cheaper than the scan below, and settles nearly every text the bus sees.
  if (text.length <= max || countOf(text, '{') + countOf(text, '[') <= max) return false
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c) i++ // backslash: skip the escaped character
      else if (c === 0x22) inString = false
    } else if (c === 0x22) {
      inString = true
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true
    } else if (c === 0x7d || c === 0x5d) {
      depth--
    }
  }
  return false
}

/** Occurrences of `char` in `text`. */
function countOf (text: string, char: string): number {
  let n = 0
  for (let at = text.indexOf(char); at >= 0; at = text.indexOf(char, at + 1)) n++
  return n
}

/** The same limit for a value already parsed (walked with an explicit stack). */
export function jsonValueTooDeep (value: unknown, max = MAX_JSON_DEPTH): boolean {
  const stack: Array<{ value: unknown, depth: number }> = [{ value, depth: 0 }]
  while (stack.length > 0) {
    const { value: v, depth } = stack.pop()!
    if (typeof v !== 'object' || v === null) continue
    if (depth + 1 > max) return true
    const children = Array.isArray(v) ? v : Object.values(v)
    for (const child of children) if (typeof child === 'object' && child !== null) stack.push({ value: child, depth: depth + 1 })
  }
  return false
}
