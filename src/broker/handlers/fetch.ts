// Fetch (key 1), versions 4-17.
//
// Reads whole batches from the log as stored (no re-encoding) starting with the
// batch that holds fetchOffset. Limits: partitionMaxBytes per partition, and for
// the response the smaller of the request's maxBytes and the broker's
// fetchMaxBytes (Kafka's fetch.max.bytes, default 55 MiB), so no request can make
// the broker build a response larger than that; the first batch is always
// returned whole even when larger (Kafka's rule, so a consumer can always make
// progress). A partition named twice (or a topic listed twice) is read and
// answered once, at its first position with the last-given fetch position, as
// Kafka's fetch request map keeps it: twenty mentions of a 16 MiB partition do
// not make a 320 MiB answer. Long polling: if fewer
// than minBytes are available, wait until new data arrives on any requested
// partition or maxWaitMs passes. isolationLevel 1 (read_committed) reads up to
// the last stable offset. Fetch sessions (v7+) are declined: the answer carries
// sessionId 0, so clients send full fetches. v13 names topics by id.
import { fetchApi } from '../../protocol/messages/fetch.js'
import { ErrorCode } from '../../protocol/errors.js'
import { wireTopicId } from '../topic-name.js'
import { allocateFetchRead } from '../read-pool.js'
import { kafkaCodeOf } from './error-code.js'
import type { Handler, RequestContext } from './types.js'
import type { Element, ResponseInput } from '../../protocol/messages/api-types.js'

type TopicAnswer = Element<ResponseInput<'Fetch'>['responses']>

interface Wanted {
  topic: string | null
  topicId: string
  partitions: Array<{ partition: number, fetchOffset: bigint, partitionMaxBytes: number }>
}

export const fetchHandler: Handler<'Fetch'> = {
  api: fetchApi,
  async handle (request, ctx) {
    const { log } = ctx.services
    const version = ctx.apiVersion
    const byId = version >= 13 ? new Map<string, string>(log.topics().map(t => [wireTopicId(t.topicId), t.name])) : null
    const wanted = distinctPartitions(request.topics.map(t => ({
      topic: byId ? (byId.get(t.topicId) ?? null) : t.topic,
      topicId: t.topicId,
      partitions: t.partitions
    })))
    const readCommitted = request.isolationLevel === 1
    const maxBytes = Math.min(request.maxBytes > 0 ? request.maxBytes : 0x7fffffff, ctx.services.config.fetchMaxBytes)
    let responses = await readAll(wanted, maxBytes, readCommitted, ctx)
    const maxWaitMs = request.maxWaitMs
    if (maxWaitMs > 0 && responses.bytes < Math.max(1, request.minBytes) && !responses.hadError) {
      const arrived = await waitForAny(wanted, maxWaitMs, ctx)
      if (arrived) {
        for (const release of responses.releases) release() // this read is dropped unsent
        responses = await readAll(wanted, maxBytes, readCommitted, ctx)
      }
    }
    // cached bytes the answer carries stay pinned until the socket has taken it
    for (const release of responses.releases) ctx.afterWritten?.(release)
    return { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses: responses.topics }
  }
}

/** Each topic and partition once: first position, last-given fetch position. */
function distinctPartitions (topics: Wanted[]): Wanted[] {
  const byTopic = new Map<string, { entry: Wanted, slots: Map<number, number> }>()
  const out: Wanted[] = []
  for (const t of topics) {
    const key = t.topic ?? `id:${t.topicId}`
    let seen = byTopic.get(key)
    if (seen === undefined) {
      seen = { entry: { topic: t.topic, topicId: t.topicId, partitions: [] }, slots: new Map() }
      byTopic.set(key, seen)
      out.push(seen.entry)
    }
    for (const p of t.partitions) {
      const at = seen.slots.get(p.partition)
      if (at !== undefined) seen.entry.partitions[at] = p
      else { seen.slots.set(p.partition, seen.entry.partitions.length); seen.entry.partitions.push(p) }
    }
  }
  return out
}

async function readAll (wanted: Wanted[], maxBytes: number, readCommitted: boolean, ctx: RequestContext): Promise<{ topics: TopicAnswer[], bytes: number, hadError: boolean, releases: Array<() => void> }> {
  const { log } = ctx.services
  let budget = maxBytes
  let bytes = 0
  let hadError = false
  const releases: Array<() => void> = []
  // pin tail-cache reads only where someone will release them (a server connection), so the cache can reuse them
  const pin = ctx.afterWritten !== undefined
  const topics: TopicAnswer[] = []
  for (const t of wanted) {
    const partitions = []
    for (const p of t.partitions) {
      const base = {
        partitionIndex: p.partition,
        errorCode: 0,
        highWatermark: -1n,
        lastStableOffset: -1n,
        logStartOffset: -1n,
        abortedTransactions: (readCommitted ? [] : null) as Array<{ producerId: number, firstOffset: number }> | null,
        preferredReadReplica: -1,
        records: [] as Buffer[]
      }
      const partition = t.topic === null ? undefined : log.partition(t.topic, p.partition)
      if (!partition) {
        base.errorCode = t.topic === null ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
        hadError = true
        partitions.push(base)
        continue
      }
      try {
        // Once the response budget is spent, Kafka still answers the partition, with no records.
        const limit = Math.min(p.partitionMaxBytes, budget)
        const read = limit > 0 || bytes === 0
          ? await partition.read(Number(p.fetchOffset), Math.max(limit, 1), { isolation: readCommitted ? 'read_committed' : 'read_uncommitted', minOneBatch: bytes === 0, allocate: allocateFetchRead, pin })
          : null
        const info = read ?? { chunks: [], bytes: 0, highWatermark: partition.highWatermark, lastStableOffset: partition.lastStableOffset, logStartOffset: partition.logStartOffset, abortedTransactions: [] }
        base.highWatermark = BigInt(info.highWatermark)
        base.lastStableOffset = BigInt(info.lastStableOffset)
        base.logStartOffset = BigInt(info.logStartOffset)
        if (readCommitted) base.abortedTransactions = info.abortedTransactions ?? []
        if (read?.release !== undefined) releases.push(read.release)
        base.records = info.chunks
        bytes += info.bytes
        budget -= info.bytes
      } catch (err) {
        hadError = true
        base.errorCode = kafkaCodeOf(err) ?? ErrorCode.UNKNOWN_SERVER_ERROR
        base.highWatermark = BigInt(partition.highWatermark)
        base.lastStableOffset = BigInt(partition.lastStableOffset)
        base.logStartOffset = BigInt(partition.logStartOffset)
        if (base.errorCode === ErrorCode.UNKNOWN_SERVER_ERROR) ctx.services.logger.error({ err, topic: t.topic, partition: p.partition }, 'fetch read failed')
      }
      partitions.push(base)
    }
    topics.push({ topic: t.topic ?? '', topicId: t.topicId, partitions })
  }
  return { topics, bytes, hadError, releases }
}

/**
 * Resolves true when any requested partition gets data past its fetch offset, false on timeout. The partitions call
 * back directly from the write that moves their high watermark (no promise, AbortController or race per partition).
 */
function waitForAny (wanted: Wanted[], maxWaitMs: number, ctx: RequestContext): Promise<boolean> {
  const { log } = ctx.services
  return new Promise(resolve => {
    const cancels: Array<() => void> = []
    // the timer is set only after every partition was asked, and a partition may answer before that
    const state: { timer?: NodeJS.Timeout, settled: boolean } = { settled: false }
    const settle = (arrived: boolean): void => {
      if (state.settled) return
      state.settled = true
      clearTimeout(state.timer)
      for (const cancel of cancels) cancel()
      resolve(arrived)
    }
    const arrived = (): void => settle(true)
    for (const t of wanted) {
      if (t.topic === null) continue
      for (const p of t.partitions) {
        const partition = log.partition(t.topic, p.partition)
        if (partition === undefined) continue
        const cancel = partition.onData(Number(p.fetchOffset), arrived)
        if (cancel === null) { settle(true); return } // data arrived between the read and now
        cancels.push(cancel)
      }
    }
    if (cancels.length === 0) { settle(false); return }
    state.timer = setTimeout(settle, maxWaitMs, false)
  })
}
