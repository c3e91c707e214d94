// What the group journal holds, and its byte layout. Every record is a whole
// "set" or "delete" of state. The store (./store.ts) keeps them in a keyed
// journal: a group's metadata under its group key, each committed offset under
// its (group, topic, partition) key, as the body of a one-entry Offsets record.
//
// Body:  [u8 record type][u8 layout version = 0][group id][fields per type]
// Strings: u16 byte length (0xFFFF = null) + UTF-8; bytes: u32 length + raw.
import { TributaryError, TributaryErrorCode } from '../../errors.js'

export const RecordType = {
  Offsets: 1,
  OffsetDeletes: 2,
  Group: 3,
  GroupDelete: 4
} as const

export interface OffsetEntry {
  topic: string
  partition: number
  offset: bigint
  leaderEpoch: number
  metadata: string
  commitTimestamp: number
  expireTimestamp: number
}

export interface StoredMember {
  memberId: string
  groupInstanceId: string | null
  clientId: string
  clientHost: string
  rebalanceTimeoutMs: number
  sessionTimeoutMs: number
  /** The member's metadata for the chosen protocol. */
  subscription: Buffer
  assignment: Buffer
}

export interface StoredGroup {
  type: typeof RecordType.Group
  groupId: string
  protocolType: string | null
  generationId: number
  protocolName: string | null
  leaderId: string | null
  stateTimestamp: number
  members: StoredMember[]
}

export type StoreRecord =
  | { type: typeof RecordType.Offsets, groupId: string, entries: OffsetEntry[] }
  | { type: typeof RecordType.OffsetDeletes, groupId: string, entries: Array<{ topic: string, partition: number }> }
  | StoredGroup
  | { type: typeof RecordType.GroupDelete, groupId: string }

const LAYOUT_VERSION = 0
const NULL_STRING = 0xffff

class ByteWriter {
  buf: Buffer
  pos = 0
  constructor (size: number) { this.buf = Buffer.allocUnsafe(size) }

  private room (n: number): void {
    if (this.pos + n <= this.buf.length) return
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n))
    this.buf.copy(next, 0, 0, this.pos)
    this.buf = next
  }

  u8 (v: number): void { this.room(1); this.buf.writeUInt8(v, this.pos); this.pos += 1 }
  i32 (v: number): void { this.room(4); this.buf.writeInt32BE(v, this.pos); this.pos += 4 }
  u32 (v: number): void { this.room(4); this.buf.writeUInt32BE(v, this.pos); this.pos += 4 }
  i64 (v: bigint): void { this.room(8); this.buf.writeBigInt64BE(v, this.pos); this.pos += 8 }
  /** Millisecond timestamps and -1: exact in a double, stored as int64. */
  time (v: number): void { this.i64(BigInt(v)) }
  str (v: string | null): void {
    if (v === null) { this.room(2); this.buf.writeUInt16BE(NULL_STRING, this.pos); this.pos += 2; return }
    const max = Buffer.byteLength(v)
    if (max >= NULL_STRING) throw new TributaryError(TributaryErrorCode.GROUP_STORE_STRING, `string of ${max} bytes is too long for the group journal`)
    this.room(2 + max)
    this.buf.writeUInt16BE(max, this.pos)
    this.buf.write(v, this.pos + 2, 'utf8')
    this.pos += 2 + max
  }

  bytes (v: Buffer): void { this.u32(v.length); this.room(v.length); v.copy(this.buf, this.pos); this.pos += v.length }

  done (): Buffer { return this.buf.subarray(0, this.pos) }
}

/** The record's body: what the journal stores as a value. */
export function encodeRecord (record: StoreRecord): Buffer {
  const w = new ByteWriter(record.type === RecordType.Offsets ? 64 + record.entries.length * 64 : 256)
  w.u8(record.type)
  w.u8(LAYOUT_VERSION)
  w.str(record.groupId)
  switch (record.type) {
    case RecordType.Offsets:
      w.u32(record.entries.length)
      for (const e of record.entries) {
        w.str(e.topic); w.i32(e.partition); w.i64(e.offset); w.i32(e.leaderEpoch)
        w.str(e.metadata); w.time(e.commitTimestamp); w.time(e.expireTimestamp)
      }
      break
    case RecordType.OffsetDeletes:
      w.u32(record.entries.length)
      for (const e of record.entries) { w.str(e.topic); w.i32(e.partition) }
      break
    case RecordType.Group:
      w.str(record.protocolType); w.i32(record.generationId); w.str(record.protocolName)
      w.str(record.leaderId); w.time(record.stateTimestamp)
      w.u32(record.members.length)
      for (const m of record.members) {
        w.str(m.memberId); w.str(m.groupInstanceId); w.str(m.clientId); w.str(m.clientHost)
        w.i32(m.rebalanceTimeoutMs); w.i32(m.sessionTimeoutMs); w.bytes(m.subscription); w.bytes(m.assignment)
      }
      break
    case RecordType.GroupDelete:
      break
  }
  return w.done()
}

class ByteReader {
  pos = 0
  constructor (private readonly buf: Buffer) {}
  private need (n: number): void {
    if (this.pos + n > this.buf.length) throw new TributaryError(TributaryErrorCode.GROUP_STORE_CORRUPT, 'record ends early')
  }

  u8 (): number { this.need(1); return this.buf.readUInt8(this.pos++) }
  i32 (): number { this.need(4); const v = this.buf.readInt32BE(this.pos); this.pos += 4; return v }
  u32 (): number { this.need(4); const v = this.buf.readUInt32BE(this.pos); this.pos += 4; return v }
  i64 (): bigint { this.need(8); const v = this.buf.readBigInt64BE(this.pos); this.pos += 8; return v }
  time (): number { return Number(this.i64()) }
  str (): string | null {
    this.need(2)
    const len = this.buf.readUInt16BE(this.pos)
    this.pos += 2
    if (len === NULL_STRING) return null
    this.need(len)
    const v = this.buf.toString('utf8', this.pos, this.pos + len)
    this.pos += len
    return v
  }

  string (): string { return this.str() ?? '' }
  bytes (): Buffer {
    const len = this.u32()
    this.need(len)
    // A copy: the journal's read buffer is not kept alive by the state built from it.
    const v = Buffer.from(this.buf.subarray(this.pos, this.pos + len))
    this.pos += len
    return v
  }

  count (minBytesEach: number): number {
    const n = this.u32()
    if (n * minBytesEach > this.buf.length - this.pos) throw new TributaryError(TributaryErrorCode.GROUP_STORE_CORRUPT, 'count exceeds record')
    return n
  }
}

/** Decodes one record body (its journal frame's CRC already checked). */
export function decodeRecord (body: Buffer): StoreRecord {
  const r = new ByteReader(body)
  const type = r.u8()
  const layout = r.u8()
  if (layout !== LAYOUT_VERSION) throw new TributaryError(TributaryErrorCode.GROUP_STORE_CORRUPT, `unknown record layout ${layout}`)
  const groupId = r.string()
  switch (type) {
    case RecordType.Offsets: {
      const n = r.count(34)
      const entries: OffsetEntry[] = new Array(n)
      for (let i = 0; i < n; i++) {
        entries[i] = { topic: r.string(), partition: r.i32(), offset: r.i64(), leaderEpoch: r.i32(), metadata: r.string(), commitTimestamp: r.time(), expireTimestamp: r.time() }
      }
      return { type, groupId, entries }
    }
    case RecordType.OffsetDeletes: {
      const n = r.count(6)
      const entries = new Array(n)
      for (let i = 0; i < n; i++) entries[i] = { topic: r.string(), partition: r.i32() }
      return { type, groupId, entries }
    }
    case RecordType.Group: {
      const protocolType = r.str(); const generationId = r.i32(); const protocolName = r.str()
      const leaderId = r.str(); const stateTimestamp = r.time()
      const n = r.count(24)
      const members: StoredMember[] = new Array(n)
      for (let i = 0; i < n; i++) {
        members[i] = {
          memberId: r.string(),
          groupInstanceId: r.str(),
          clientId: r.string(),
          clientHost: r.string(),
          rebalanceTimeoutMs: r.i32(),
          sessionTimeoutMs: r.i32(),
          subscription: r.bytes(),
          assignment: r.bytes()
        }
      }
      return { type, groupId, protocolType, generationId, protocolName, leaderId, stateTimestamp, members }
    }
    case RecordType.GroupDelete:
      return { type, groupId }
    default:
      throw new TributaryError(TributaryErrorCode.GROUP_STORE_CORRUPT, `unknown record type ${type}`)
  }
}
