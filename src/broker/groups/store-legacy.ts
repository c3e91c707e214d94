// The group journal's layout before the shared journal engine (up to this
// version): <dataDir>/__groups/groups.journal, a sequence of
// [u32 body length][u32 CRC32C of body][record body] frames, replayed in order.
// Read once at open and migrated (./store.ts); nothing writes it any more.
import { crc32c } from '@node-rs/crc32'
import { decodeRecord, type StoreRecord } from './store-records.js'

export const LEGACY_JOURNAL_FILE = 'groups.journal'
const FRAME_HEADER_BYTES = 8

/** Every intact record of a legacy journal, in order; stops at the first torn or corrupt frame, as its recovery did. */
export function readLegacyJournal (data: Buffer): StoreRecord[] {
  const records: StoreRecord[] = []
  let pos = 0
  while (pos + FRAME_HEADER_BYTES <= data.length) {
    const length = data.readUInt32BE(pos)
    const end = pos + FRAME_HEADER_BYTES + length
    if (end > data.length) break
    const body = data.subarray(pos + FRAME_HEADER_BYTES, end)
    if (crc32c(body) !== data.readUInt32BE(pos + 4)) break
    try { records.push(decodeRecord(body)) } catch { break }
    pos = end
  }
  return records
}
