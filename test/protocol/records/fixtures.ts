// Record sets carried inside real Kafka messages (../shared/conformance), pulled
// out with a minimal reader of the produce-request and fetch-response layouts.
import { kafkaWireFixtures } from '../../helpers/conformance.js'

const fixtures = kafkaWireFixtures()

class Reader {
  pos = 0
  constructor (readonly buf: Buffer) {}
  i16 (): number { const v = this.buf.readInt16BE(this.pos); this.pos += 2; return v }
  i32 (): number { const v = this.buf.readInt32BE(this.pos); this.pos += 4; return v }
  skip (n: number): void { this.pos += n }
  str (): void { const n = this.i16(); if (n > 0) this.pos += n }
  bytes (): Buffer | null { const n = this.i32(); if (n < 0) return null; const b = this.buf.subarray(this.pos, this.pos + n); this.pos += n; return b }
}

export interface RecordSetFixture { name: string, records: Buffer }

/** Produce v3+ requests: every partition's records field. */
export function produceRecordSets (): RecordSetFixture[] {
  const out: RecordSetFixture[] = []
  for (const f of fixtures.filter(f => f.api === 'produce' && f.kind === 'request' && f.version >= 3)) {
    const r = new Reader(Buffer.from(f.hex, 'hex'))
    r.str(); r.i16(); r.i32()
    for (let t = r.i32(); t > 0; t--) {
      r.str()
      for (let p = r.i32(); p > 0; p--) {
        r.i32()
        const records = r.bytes()
        if (records !== null && records.length > 0) out.push({ name: `produce v${f.version} ${f.variant}`, records })
      }
    }
  }
  return out
}

/** Fetch v4 responses (a real broker's bytes): every partition's records field. */
export function fetchV4RecordSets (variant: string): RecordSetFixture[] {
  const out: RecordSetFixture[] = []
  for (const f of fixtures.filter(f => f.api === 'fetch' && f.kind === 'response' && f.version === 4 && f.variant === variant)) {
    const r = new Reader(Buffer.from(f.hex, 'hex'))
    r.i32()
    for (let t = r.i32(); t > 0; t--) {
      r.str()
      for (let p = r.i32(); p > 0; p--) {
        r.i32(); r.i16(); r.skip(16)
        const aborted = r.i32()
        if (aborted > 0) r.skip(aborted * 16)
        const records = r.bytes()
        if (records !== null && records.length > 0) out.push({ name: `fetch v4 ${variant}`, records })
      }
    }
  }
  return out
}
