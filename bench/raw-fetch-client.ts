// A consumer that is not the bottleneck, so a benchmark can show what the broker itself serves (issue 15, target 2):
// one raw socket per partition, each sending Fetch v12 (large max bytes, no wait) for its partition and, on the
// answer, only walking the batch headers to find the next offset — no CRC check, no record decoding, no
// decompression. Answers are read with `onread` into one reused buffer and copied once into a reused frame
// buffer, so the client allocates nearly nothing per fetch. When a partition reaches its end it starts again at
// offset 0, so a run lasts `durationMs` however fast the broker is (the data stays in the page cache, as it does
// for a catch-up read of recently written data).
import { once } from 'node:events'
import { connect, type Socket } from 'node:net'
import { encodeRequest, decodeResponse } from '../src/protocol/headers.js'
import { fetchApi } from '../src/protocol/messages/fetch.js'
import { peekBatchSize } from '../src/protocol/records/index.js'

const FETCH_VERSION = 12

export interface RawFetchOptions {
  host: string
  port: number
  topic: string
  partitions: number
  /** Bytes a partition answer may carry (Kafka's max.partition.fetch.bytes). */
  partitionMaxBytes: number
  durationMs: number
}

export interface RawFetchResult {
  bytes: number
  seconds: number
  fetches: number
  /** This process's CPU seconds over the run (user + system), to show the client was not saturated. */
  clientCpuSeconds: number
}

/** The offset after the last whole batch in `records`, or `from` when it holds none. */
function nextOffsetOf (records: Buffer | null, from: number): number {
  if (records === null) return from
  let next = from
  let pos = 0
  while (pos + 61 <= records.length) {
    const size = peekBatchSize(records, pos)
    if (size < 0 || pos + size > records.length) break
    // baseOffset (int64 at 0) + lastOffsetDelta (int32 at 23) + 1
    next = Number(records.readBigInt64BE(pos)) + records.readInt32BE(pos + 23) + 1
    pos += size
  }
  return next
}

/** How one loop reads: catch-up (wrap to 0 at the end, no waiting, until a time) or tail (long-poll, until an offset). */
interface LoopPolicy { maxWaitMs: number, done: (offset: number) => boolean, wrapAtEnd: boolean }

/** One partition's fetch loop on its own connection. Resolves with the record bytes received. */
async function fetchLoop (options: Omit<RawFetchOptions, 'partitions' | 'durationMs'>, partition: number, policy: LoopPolicy): Promise<{ bytes: number, fetches: number }> {
  let frame = Buffer.allocUnsafe(options.partitionMaxBytes + 64 * 1024)
  let have = 0
  let want = -1 // frame size once its 4-byte prefix is in
  let answered: ((frame: Buffer) => void) | null = null
  const readBuffer = Buffer.allocUnsafe(1024 * 1024)
  const onChunk = (n: number): void => {
    let at = 0
    while (at < n) {
      if (want < 0) {
        const take = Math.min(4 - have, n - at)
        readBuffer.copy(frame, have, at, at + take)
        have += take
        at += take
        if (have < 4) return
        want = frame.readInt32BE(0)
        if (frame.length < want) frame = Buffer.allocUnsafe(want)
        have = 0
        continue
      }
      const take = Math.min(want - have, n - at)
      readBuffer.copy(frame, have, at, at + take)
      have += take
      at += take
      if (have === want) {
        const done = frame.subarray(0, want)
        want = -1
        have = 0
        const settle = answered
        answered = null
        settle?.(done)
      }
    }
  }
  const socket: Socket = connect({ host: options.host, port: options.port, onread: { buffer: readBuffer, callback: (n: number) => { onChunk(n); return true } } })
  await once(socket, 'connect')
  socket.setNoDelay(true)
  let offset = 0
  let bytes = 0
  let fetches = 0
  let correlationId = 1
  try {
    while (!policy.done(offset)) {
      const request = encodeRequest(fetchApi, FETCH_VERSION, correlationId++, 'raw-fetch', {
        replicaId: -1,
        maxWaitMs: policy.maxWaitMs,
        minBytes: 1,
        maxBytes: options.partitionMaxBytes,
        isolationLevel: 0,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [{ topic: options.topic, partitions: [{ partition, fetchOffset: offset, partitionMaxBytes: options.partitionMaxBytes }] }],
        forgottenTopicsData: [],
        rackId: ''
      })
      const answer = new Promise<Buffer>((resolve, reject) => {
        answered = resolve
        socket.once('close', () => reject(new Error(`TRIB_ERR_BENCH_RAW_FETCH: connection closed while fetching partition ${partition}`)))
      })
      socket.write(Buffer.concat(request))
      const body = decodeResponse(await answer, fetchApi, FETCH_VERSION).body
      socket.removeAllListeners('close')
      fetches++
      const p = body.responses[0]?.partitions[0]
      if (p === undefined || p.errorCode !== 0) throw new Error(`TRIB_ERR_BENCH_RAW_FETCH: partition ${partition} answered error ${p?.errorCode ?? 'none'}`)
      const records = p.records
      bytes += records?.length ?? 0
      const next = nextOffsetOf(records, offset)
      // catch-up: at the end of the partition, read it again from the start
      offset = policy.wrapAtEnd && next >= Number(p.highWatermark) ? 0 : next
    }
  } finally {
    socket.destroy()
  }
  return { bytes, fetches }
}

/** Reads partitions 0..partitions-1 of `topic` concurrently, one connection each, for `durationMs`. */
export async function rawFetchConsume (options: RawFetchOptions): Promise<RawFetchResult> {
  const cpuBefore = process.cpuUsage()
  const start = performance.now()
  const endAt = start + options.durationMs
  const policy: LoopPolicy = { maxWaitMs: 0, done: () => performance.now() >= endAt, wrapAtEnd: true }
  const loops = await Promise.all(Array.from({ length: options.partitions }, (_, p) => fetchLoop(options, p, policy)))
  const seconds = (performance.now() - start) / 1000
  const cpu = process.cpuUsage(cpuBefore)
  return {
    bytes: loops.reduce((sum, l) => sum + l.bytes, 0),
    fetches: loops.reduce((sum, l) => sum + l.fetches, 0),
    seconds,
    clientCpuSeconds: (cpu.user + cpu.system) / 1e6
  }
}

export interface RawTailOptions {
  host: string
  port: number
  topic: string
  /** Connections reading partition 0 side by side from offset 0 (a fan-out of consumers at the tail). */
  readers: number
  partitionMaxBytes: number
  /** Long-poll wait of each Fetch. */
  maxWaitMs: number
}

/**
 * Readers at the tail of partition 0: each long-polls from offset 0 until `until()` gives an offset it has reached.
 * Call `finish(offset)` once the producer is done; the promise resolves when every reader is there.
 */
export function rawTailConsume (options: RawTailOptions): { finish: (endOffset: number) => void, done: Promise<{ bytes: number, fetches: number }> } {
  let end = Number.POSITIVE_INFINITY
  const policy: LoopPolicy = { maxWaitMs: options.maxWaitMs, done: offset => offset >= end, wrapAtEnd: false }
  const loops = Promise.all(Array.from({ length: options.readers }, () => fetchLoop(options, 0, policy)))
  return {
    finish: endOffset => { end = endOffset },
    done: loops.then(ls => ({ bytes: ls.reduce((sum, l) => sum + l.bytes, 0), fetches: ls.reduce((sum, l) => sum + l.fetches, 0) }))
  }
}
