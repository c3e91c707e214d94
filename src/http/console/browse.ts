// The message browser's paging: a page is read from where the last one ended
// (the cursor holds one offset per partition), so a topic of any length is
// browsed page by page with the memory of one page. Partitions are merged in
// timestamp order; a page stops early rather than misorder when one
// partition's fetched bytes run out before the others'. Reads go through the
// broker's Fetch and ListOffsets handlers (the timestamp seek is the broker's
// own ListOffsets answer), like any Kafka consumer's.
import { Fetcher, type FetchedRecord } from '../../client/fetcher.js'
import { OffsetTime, TopicAdmin } from '../../client/admin-topics.js'
import type { KafkaClient } from '../../client/client.js'
import { ErrorCode } from '../../protocol/errors.js'
import { matchesPattern, parsePattern, InvalidEventPatternError, type CompiledPattern } from '../../bus/pattern/index.js'
import { asText, showBytes, type ShownBytes } from './record-view.js'
import { badRequest } from './common.js'

export type StartFrom = { kind: 'beginning' } | { kind: 'end' } | { kind: 'offset', offset: number } | { kind: 'timestamp', timestamp: number }

export interface BrowseRequest {
  topic: string
  /** null: every partition. */
  partition: number | null
  from: StartFrom
  /** Records with a later timestamp end their partition's part of the browse. */
  until: number | null
  limit: number
  text: string | null
  pattern: string | null
  cursor: string | null
}

export interface ShownRecord {
  partition: number
  offset: number
  timestamp: number
  key: ShownBytes
  value: ShownBytes
  headers: Array<{ key: string, value: ShownBytes }>
}

export interface BrowsePage {
  records: ShownRecord[]
  /** Pass back for the next page; it also follows a live topic (the next page holds what arrived since). */
  cursor: string
  /** Records read for this page, matching or not. */
  scanned: number
  /** Every partition is at its end (or past `until`) for now. */
  atEnd: boolean
}

/** Records looked at per page at most, so a filter that matches nothing still answers promptly. */
const SCAN_LIMIT = 20_000
/** Bytes fetched per round across partitions at most (Kafka still returns a first batch bigger than this). */
const PAGE_FETCH_BYTES = 4 * 1024 * 1024
/** Per partition per round at most: above the largest batch the broker accepts by default. */
const MAX_FETCH_BYTES = 16 * 1024 * 1024
/** Fetch rounds per page at most. */
const MAX_ROUNDS = 8

interface Position { partition: number, offset: number, done: boolean }

export async function browse (client: KafkaClient, req: BrowseRequest): Promise<BrowsePage> {
  const pattern = compileFilter(req.pattern)
  const metadata = await client.metadata([req.topic])
  const topic = metadata.topics[0]
  if (topic === undefined || topic.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) throw badRequest(`topic ${req.topic} does not exist`)
  const all = topic.partitions.map(p => p.partition).sort((a, b) => a - b)
  const wanted = req.partition === null ? all : all.filter(p => p === req.partition)
  if (wanted.length === 0) throw badRequest(`topic ${req.topic} has no partition ${String(req.partition)}`)
  const admin = new TopicAdmin(client)
  const positions = req.cursor !== null ? decodeCursor(req.cursor, wanted) : await startPositions(admin, req.topic, wanted, req.from)
  const active = positions.filter(p => !p.done)
  // Small fetches sized to the page; a round that stops because one partition ran
  // out before its end is followed by another, so a page is full unless the topic is not.
  const fetchBytes = Math.floor(Math.max(64 * 1024, Math.min(PAGE_FETCH_BYTES, req.limit * 1024) / Math.max(1, active.length)))
  const page: PageState = { records: [], scanned: 0, atEnd: true, fetchBytes }
  for (let round = 0; round < MAX_ROUNDS && active.some(p => !p.done); round++) {
    page.atEnd = true
    const refill = await readRound(client, admin, req, pattern, active, page)
    if (!refill) break
  }
  return { records: page.records, cursor: encodeCursor(positions), scanned: page.scanned, atEnd: page.atEnd }
}

interface PageState { records: ShownRecord[], scanned: number, atEnd: boolean, fetchBytes: number }

/** One fetch of every open partition, merged into the page; true when another round is needed to fill it. */
async function readRound (client: KafkaClient, admin: TopicAdmin, req: BrowseRequest, pattern: CompiledPattern | null, active: Position[], page: PageState): Promise<boolean> {
  const open = active.filter(p => !p.done)
  const fetched = await new Fetcher(client).fetch(open.map(p => ({ topic: req.topic, partition: p.partition, offset: p.offset })), { maxWaitMs: 0, partitionMaxBytes: page.fetchBytes })
  const buffers: Buffered = new Map()
  let again = false
  let tooSmall = false
  for (const f of fetched) {
    const position = open.find(p => p.partition === f.partition)
    if (position === undefined) continue
    if (f.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
      // retention removed what the cursor pointed at: carry on from the new start
      const earliest = (await admin.offsets(req.topic, [f.partition], OffsetTime.earliest)).get(f.partition)?.offset ?? 0
      const latest = (await admin.offsets(req.topic, [f.partition], OffsetTime.latest)).get(f.partition)?.offset ?? earliest
      position.offset = position.offset < earliest ? earliest : latest
      page.atEnd = false
      again = true
      continue
    }
    buffers.set(f.partition, { records: f.records, next: f.nextOffset, end: f.highWatermark, at: 0 })
    // not one whole batch fit (the broker gives a too-big first batch whole only to the first partition): ask for more next round
    if (f.records.length === 0 && f.nextOffset <= position.offset && position.offset < f.highWatermark) tooSmall = true
  }
  if (tooSmall) page.fetchBytes = Math.min(MAX_FETCH_BYTES, page.fetchBytes * 4)
  let stoppedForRefill = false
  while (page.records.length < req.limit && page.scanned < SCAN_LIMIT) {
    const pick = nextInTimeOrder(open, buffers)
    if (pick === 'refill') { stoppedForRefill = true; break }
    if (pick === null) break
    const b = buffers.get(pick.partition)!
    const record = b.records[b.at++]!
    if (req.until !== null && record.timestamp > req.until) { pick.done = true; continue }
    pick.offset = record.offset + 1
    page.scanned++
    if (matches(record, req.text, pattern)) page.records.push(show(record))
  }
  for (const position of open) {
    const b = buffers.get(position.partition)
    if (b === undefined) continue
    // everything fetched was consumed: move past control records and compacted gaps too
    if (b.at >= b.records.length && !position.done) position.offset = Math.max(position.offset, b.next)
    if (!position.done && position.offset < b.end) page.atEnd = false
  }
  return (again || stoppedForRefill) && page.records.length < req.limit && page.scanned < SCAN_LIMIT
}

type Buffered = Map<number, { records: FetchedRecord[], next: number, end: number, at: number }>

/**
 * The partition whose next record is oldest; null when none has one, or when a
 * partition ran out of fetched records before its end (it must be read again
 * before anything can be ordered after it).
 */
function nextInTimeOrder (active: Position[], buffers: Buffered): Position | 'refill' | null {
  let pick: Position | null = null
  let pickTs = Infinity
  for (const position of active) {
    if (position.done) continue
    const b = buffers.get(position.partition)
    if (b === undefined) continue
    const head = b.records[b.at]
    if (head === undefined) {
      if (b.next < b.end) return 'refill'
      continue
    }
    if (head.timestamp < pickTs) { pick = position; pickTs = head.timestamp }
  }
  return pick
}

async function startPositions (admin: TopicAdmin, topic: string, partitions: number[], from: StartFrom): Promise<Position[]> {
  const earliest = await admin.offsets(topic, partitions, OffsetTime.earliest)
  const latest = await admin.offsets(topic, partitions, OffsetTime.latest)
  const atTime = from.kind === 'timestamp' ? await admin.offsets(topic, partitions, from.timestamp) : null
  return partitions.map(partition => {
    const start = earliest.get(partition)?.offset ?? 0
    const end = latest.get(partition)?.offset ?? start
    let offset: number
    if (from.kind === 'beginning') offset = start
    else if (from.kind === 'end') offset = end
    else if (from.kind === 'offset') offset = Math.min(Math.max(from.offset, start), end)
    else {
      const found = atTime?.get(partition)?.offset ?? -1
      offset = found < 0 ? end : found // -1: nothing at or after that time yet
    }
    return { partition, offset, done: false }
  })
}

function compileFilter (pattern: string | null): CompiledPattern | null {
  if (pattern === null) return null
  try {
    return parsePattern(pattern)
  } catch (err) {
    if (err instanceof InvalidEventPatternError || err instanceof SyntaxError) throw badRequest(`pattern: ${err.message}`)
    throw err
  }
}

function matches (record: FetchedRecord, text: string | null, pattern: CompiledPattern | null): boolean {
  const value = record.value === null ? null : asText(record.value)
  if (pattern !== null) {
    if (value === null) return false
    let json: unknown
    try {
      json = JSON.parse(value)
    } catch {
      return false
    }
    if (!matchesPattern(pattern, json)) return false
  }
  if (text !== null && text !== '') {
    const needle = text.toLowerCase()
    const key = record.key === null ? null : asText(record.key)
    const inHeaders = record.headers.some(h => h.key.toLowerCase().includes(needle) || (h.value !== null && (asText(h.value) ?? '').toLowerCase().includes(needle)))
    if (!(value?.toLowerCase().includes(needle) ?? false) && !(key?.toLowerCase().includes(needle) ?? false) && !inHeaders) return false
  }
  return true
}

function show (record: FetchedRecord): ShownRecord {
  return {
    partition: record.partition,
    offset: record.offset,
    timestamp: record.timestamp,
    key: showBytes(record.key),
    value: showBytes(record.value),
    headers: record.headers.map(h => ({ key: h.key, value: showBytes(h.value) }))
  }
}

function encodeCursor (positions: Position[]): string {
  return Buffer.from(JSON.stringify(positions.map(p => [p.partition, p.offset, p.done ? 1 : 0]))).toString('base64url')
}

function decodeCursor (cursor: string, partitions: number[]): Position[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    throw badRequest('cursor is not one this console gave out')
  }
  if (!Array.isArray(parsed)) throw badRequest('cursor is not one this console gave out')
  const out: Position[] = []
  for (const entry of parsed) {
    if (!Array.isArray(entry) || !entry.every(n => Number.isSafeInteger(n) && n >= 0)) throw badRequest('cursor is not one this console gave out')
    const [partition, offset, done] = entry as number[]
    if (partition !== undefined && offset !== undefined && partitions.includes(partition)) out.push({ partition, offset, done: done === 1 })
  }
  if (out.length === 0) throw badRequest('cursor does not match the topic and partition asked for')
  return out
}
