// Input generators for the fuzz targets: byte-level mutations of seed inputs
// (the shapes a coverage-guided fuzzer reaches first: flipped bits, lengths and
// counts set to -1, 0 or 2^31-1, varints made long, bytes inserted, cut or
// repeated), plus wholly random bytes now and then.
//
// fast-check draws one 32-bit number per input and a small xorshift generator
// seeded with it picks the seed input and the mutations. Drawing each mutation
// through fast-check's own combinators cost ~100 µs an input, more than most
// checks; this costs ~1 µs, which is what makes a million inputs a target
// affordable. The price is shrinking: a failing input is kept whole (inputs
// are small: seeds of at most a few KB and at most 8 mutations).
import fc from 'fast-check'

/** Values that sit on the edges of lengths and counts. */
const EDGE_INT32 = [-1, -2, 0, 1, 2, 0x7f, 0x80, 0x7fff, 0xffff, 0x10000, 0x7fffffff, -0x80000000, 0x3fffffff]
/** Unsigned varints: 2^32-1, 2^28, a 5-byte 0, an over-long 6 bytes, 0 (null), 1 (empty) and 16383. */
const EDGE_VARINTS = [[0xff, 0xff, 0xff, 0xff, 0x0f], [0x80, 0x80, 0x80, 0x80, 0x01], [0x80, 0x80, 0x80, 0x80, 0x00], [0xff, 0xff, 0xff, 0xff, 0xff, 0x01], [0x00], [0x01], [0xff, 0x7f]].map(b => Buffer.from(b))
const EDGE_BYTES = [0, 1, 0x7f, 0x80, 0xff]
const MAX_MUTATIONS = 8

class Xorshift {
  private state: number
  constructor (seed: number) { this.state = (seed | 0) === 0 ? 0x9e3779b9 : seed | 0 }
  /** A number in [0, n). */
  below (n: number): number {
    let s = this.state
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5
    this.state = s
    return (s >>> 0) % n
  }
}

function mutateOnce (input: Buffer, rng: Xorshift, keep: number): Buffer {
  const from = Math.min(keep, input.length)
  const span = input.length - from
  const kind = rng.below(15)
  if (span === 0 || kind >= 13) return Buffer.concat([input, Buffer.from(Array.from({ length: rng.below(16) }, () => rng.below(256)))])
  const pos = from + rng.below(span)
  const out = kind < 9 ? Buffer.from(input) : input
  switch (kind) {
    case 0: case 1: case 2: out[pos] = out[pos]! ^ (1 << rng.below(8)); return out
    case 3: case 4: out[pos] = rng.below(2) === 0 ? EDGE_BYTES[rng.below(EDGE_BYTES.length)]! : rng.below(256); return out
    case 5: case 6: case 7: {
      const word = Buffer.alloc(4)
      word.writeInt32BE(EDGE_INT32[rng.below(EDGE_INT32.length)]!)
      word.copy(out, pos, 0, Math.min(4, out.length - pos))
      return out
    }
    case 8: {
      const width = 1 + rng.below(2)
      if (pos + width <= out.length) out.writeIntBE(rng.below(2) === 0 ? -1 : (1 << (8 * width - 1)) - 1, pos, width)
      return out
    }
    case 9: case 10: return Buffer.concat([input.subarray(0, pos), EDGE_VARINTS[rng.below(EDGE_VARINTS.length)]!, input.subarray(pos + 1)])
    case 11: return rng.below(2) === 0 ? input.subarray(0, pos) : Buffer.concat([input.subarray(0, pos), input.subarray(pos + 1 + rng.below(32))])
    default: return Buffer.concat([input.subarray(0, pos + rng.below(64)), input.subarray(pos)])
  }
}

/** Mutates one of `seeds` (or, one time in ten, makes random bytes) as the number `n` decides. */
export function mutate (seeds: readonly Buffer[], n: number, keep = 0): Buffer {
  const rng = new Xorshift(n)
  const seed = seeds[rng.below(seeds.length)]!
  if (rng.below(10) === 0) {
    return Buffer.concat([seed.subarray(0, keep), Buffer.from(Array.from({ length: rng.below(256) }, () => rng.below(256)))])
  }
  let out = seed
  for (let i = rng.below(MAX_MUTATIONS + 1); i > 0; i--) out = mutateOnce(out, rng, keep)
  return out
}

/**
 * Seeds mutated 0 to 8 times, or random bytes.
 * @param keep bytes at the start that mutations leave alone (a frame's API key and version)
 */
export function mutatedBytes (seeds: readonly Buffer[], keep = 0): fc.Arbitrary<Buffer> {
  if (seeds.length === 0) throw new Error('TRIB_ERR_FUZZ_NO_SEEDS')
  return fc.noShrink(fc.noBias(fc.integer({ min: -0x80000000, max: 0x7fffffff }))).map(n => mutate(seeds, n, keep))
}

/** Text seeds mutated as UTF-8 bytes (the result may be any string, invalid UTF-8 replaced). */
export function mutatedText (seeds: readonly string[]): fc.Arbitrary<string> {
  return mutatedBytes(seeds.map(s => Buffer.from(s))).map(b => b.toString('utf8'))
}
