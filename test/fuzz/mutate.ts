// Input generators for the fuzz targets: byte-level mutations of seed inputs
// (the shapes a coverage-guided fuzzer reaches first: flipped bits, lengths and
// counts set to -1, 0 or 2^31-1, varints made long, bytes inserted, cut or
// repeated), plus wholly random bytes. fast-check picks the seed and the
// mutations and can shrink a failing input to a small one.
import fc from 'fast-check'

type Mutation =
  | { kind: 'flip', at: number, bit: number }
  | { kind: 'set', at: number, value: number }
  | { kind: 'int32', at: number, value: number }
  | { kind: 'varint', at: number, value: readonly number[] }
  | { kind: 'insert', at: number, bytes: Uint8Array }
  | { kind: 'delete', at: number, length: number }
  | { kind: 'truncate', at: number }
  | { kind: 'repeat', at: number, length: number }

/** Values that sit on the edges of lengths and counts. */
const EDGE_INT32 = [-1, -2, 0, 1, 2, 0x7f, 0x80, 0x7fff, 0xffff, 0x10000, 0x7fffffff, -0x80000000, 0x3fffffff]
/** Unsigned varints: 2^32-1, 2^28, a 5-byte 0, an over-long 6 bytes, and a zero-length+1 (null). */
const EDGE_VARINTS = [[0xff, 0xff, 0xff, 0xff, 0x0f], [0x80, 0x80, 0x80, 0x80, 0x01], [0x80, 0x80, 0x80, 0x80, 0x00], [0xff, 0xff, 0xff, 0xff, 0xff, 0x01], [0x00], [0x01], [0xff, 0x7f]]

const at = fc.nat({ max: 1 << 20 })
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('flip' as const), at, bit: fc.nat({ max: 7 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('set' as const), at, value: fc.oneof(fc.constantFrom(0, 1, 0x7f, 0x80, 0xff), fc.nat({ max: 255 })) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('int32' as const), at, value: fc.constantFrom(...EDGE_INT32) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('varint' as const), at, value: fc.constantFrom(...EDGE_VARINTS) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('insert' as const), at, bytes: fc.uint8Array({ maxLength: 16 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), at, length: fc.nat({ max: 32 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('repeat' as const), at, length: fc.nat({ max: 64 }) }) }
)

function apply (input: Buffer, m: Mutation, from: number): Buffer {
  const span = input.length - from
  if (span <= 0) return m.kind === 'insert' ? Buffer.concat([input, m.bytes]) : input
  const pos = from + (m.at % span)
  switch (m.kind) {
    case 'flip': { const out = Buffer.from(input); out[pos] = out[pos]! ^ (1 << m.bit); return out }
    case 'set': { const out = Buffer.from(input); out[pos] = m.value; return out }
    case 'int32': {
      const out = Buffer.from(input)
      const word = Buffer.alloc(4)
      word.writeInt32BE(m.value)
      word.copy(out, pos, 0, Math.min(4, out.length - pos))
      return out
    }
    case 'varint': return Buffer.concat([input.subarray(0, pos), Buffer.from(m.value), input.subarray(pos + 1)])
    case 'insert': return Buffer.concat([input.subarray(0, pos), m.bytes, input.subarray(pos)])
    case 'delete': return Buffer.concat([input.subarray(0, pos), input.subarray(pos + m.length)])
    case 'truncate': return input.subarray(0, pos)
    case 'repeat': return Buffer.concat([input.subarray(0, pos + m.length), input.subarray(pos)])
  }
}

/**
 * Seeds mutated 0 to 8 times, or random bytes now and then.
 * @param keep bytes at the start that mutations leave alone (a frame's API key and version)
 */
export function mutatedBytes (seeds: readonly Buffer[], keep = 0): fc.Arbitrary<Buffer> {
  if (seeds.length === 0) throw new Error('TRIB_ERR_FUZZ_NO_SEEDS')
  const mutated = fc.tuple(fc.nat({ max: seeds.length - 1 }), fc.array(mutation, { maxLength: 8 }))
    .map(([i, ms]) => ms.reduce((buf, m) => apply(buf, m, Math.min(keep, buf.length)), seeds[i]!))
  const random = fc.tuple(fc.nat({ max: seeds.length - 1 }), fc.uint8Array({ maxLength: 256 }))
    .map(([i, bytes]) => Buffer.concat([seeds[i]!.subarray(0, keep), bytes]))
  return fc.oneof({ weight: 9, arbitrary: mutated }, { weight: 1, arbitrary: random })
}

/** Text seeds mutated as UTF-8 bytes (the result may be any string, invalid UTF-8 replaced). */
export function mutatedText (seeds: readonly string[]): fc.Arbitrary<string> {
  return mutatedBytes(seeds.map(s => Buffer.from(s))).map(b => b.toString('utf8'))
}
