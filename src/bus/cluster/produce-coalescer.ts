// A worker's appends go to their leader in as few Produce requests (acks=all) as
// the broker allows. A PutEvents of 10 entries from 12 sources touches about 5 of
// a bus's 6 partitions, and a worker serves several PutEvents at once; a request
// per append, or even per PutEvents, cost the worker and the broker a request
// each (encode, frame, decode, a turn of the broker's request handling and its
// acks=all wait), and the CPU per event is what decides whether adding workers on
// shared cores makes the tier slower (bench/bus-scale-out.ts).
//
// - Appends made in one event-loop turn share a request per leader.
// - While maxInFlight requests are waiting for a leader's acks=all, new appends
//   to it wait and go together in the next request, sent as soon as one is
//   answered (Kafka's own producer batches the same way while its sender is
//   busy). Idle, an append is sent in the turn it is made; under load a request
//   carries what arrived during the previous one's round trip, so the requests
//   per event fall as the load rises instead of staying one per PutEvents. The
//   price: an append may wait for one acks=all round trip before it is sent.
//   How many: the engine allows one per produce connection (8), since a request
//   past that would be pipelined behind another on its connection anyway. With 1,
//   a PutEvents under load waited behind the request before it (bench p50 call
//   time 40 against 31 ms, so 16 closed-loop clients got fewer events through);
//   with 4, one worker's p50 was still 1.24-1.30x the old code's in three runs.
//   The broker folds concurrent acks=all waits into one fsync, so requests in
//   flight together cost it no extra fsyncs.
// - Apache Kafka takes one record batch per partition in a Produce of v3 and
//   later, so the appends to one partition that wait together are merged into
//   one batch (records and timestamps as they were; protocol/records/merge.ts), up to
//   MAX_MERGED_BATCH_BYTES. What does not fit goes in a second request, sent at
//   once; appends to one partition keep their order across requests.
// Every append is answered by its own partition's answer, with its own offsets
// inside a merged batch: one partition's error fails only the appends to it.
import { produceApi } from '../../protocol/messages/produce.js'
import { ErrorCode } from '../../protocol/errors.js'
import { isMergeableBatch, mergeBatches, recordCountOf } from '../../protocol/records/index.js'
import { KafkaResponseError, checkErrorCode } from '../../client/errors.js'
import type { ClusterLink } from './link.js'

/** Bytes above which a coalesced request is closed and the next one begun. */
const MAX_REQUEST_BYTES = 4 * 1024 * 1024
/** Bytes above which appends to one partition are not merged further (Kafka's max.message.bytes is 1 MiB by default). */
export const MAX_MERGED_BATCH_BYTES = 512 * 1024
/** Default of maxInFlight: requests to one leader waiting for acks=all before new appends wait for one of them. */
export const DEFAULT_PRODUCE_IN_FLIGHT = 8

interface PendingAppend {
  topic: string
  partition: number
  payload: Buffer
  resolve: (baseOffset: number) => void
  reject: (err: unknown) => void
}

/** What goes to one partition in one request: one append, or several merged into one batch. */
interface PartitionBatch {
  topic: string
  partition: number
  payload: Buffer
  /** The appends it holds, in order, each with the offset of its first record within the batch. */
  appends: Array<{ append: PendingAppend, firstRecord: number }>
}

export class ProduceCoalescer {
  private readonly pending = new Map<number, PendingAppend[]>()
  private readonly inFlight = new Map<number, number>()
  private scheduled = false

  /**
   * @param link the connection the next request goes over (round-robin over several)
   * @param onNotLeader called with a topic's cluster name when its leader has moved
   * @param maxInFlight requests to one leader waiting for acks=all before new appends wait for one to be answered
   */
  constructor (private readonly link: () => ClusterLink, private readonly onNotLeader: (topic: string) => void, private readonly maxInFlight = DEFAULT_PRODUCE_IN_FLIGHT) {}

  /** Appends `payload` (one encoded batch) to `topic`/`partition` at `leader`; resolves with its base offset once acks=all is in. */
  async append (leader: number, topic: string, partition: number, payload: Buffer): Promise<number> {
    return await new Promise<number>((resolve, reject) => {
      let list = this.pending.get(leader)
      if (list === undefined) this.pending.set(leader, list = [])
      list.push({ topic, partition, payload, resolve, reject })
      if ((this.inFlight.get(leader) ?? 0) < this.maxInFlight) this.schedule()
    })
  }

  /** Flushes at the end of this turn, so the appends made in it share the requests. */
  private schedule (): void {
    if (this.scheduled) return
    this.scheduled = true
    setImmediate(() => this.flush())
  }

  private flush (): void {
    this.scheduled = false
    for (const [leader, appends] of [...this.pending]) {
      // The rest wait for an answer from this leader (send() flushes again then).
      if ((this.inFlight.get(leader) ?? 0) >= this.maxInFlight) continue
      this.pending.delete(leader)
      // send() settles every append itself and never rejects.
      for (const request of splitIntoRequests(mergeByPartition(appends))) this.send(leader, request).catch(() => {})
    }
  }

  private async send (leader: number, batches: PartitionBatch[]): Promise<void> {
    this.inFlight.set(leader, (this.inFlight.get(leader) ?? 0) + 1)
    const byTopic = new Map<string, PartitionBatch[]>()
    for (const b of batches) {
      let list = byTopic.get(b.topic)
      if (list === undefined) byTopic.set(b.topic, list = [])
      list.push(b)
    }
    try {
      const { body } = await this.link().use(async client => await (await client.broker(leader)).request(produceApi, {
        transactionalId: null,
        acks: -1,
        timeoutMs: 30_000,
        topicData: [...byTopic].map(([name, list]) => ({ name, partitionData: list.map(b => ({ index: b.partition, records: b.payload })) })),
      }, { minVersion: 3 }))
      for (const b of batches) {
        const answer = body.responses.find(t => t.name === b.topic)?.partitionResponses.find(p => p.index === b.partition)
        try {
          if (answer === undefined) throw new KafkaResponseError(ErrorCode.UNKNOWN_SERVER_ERROR, `produce to ${b.topic}/${b.partition}: no answer for the partition`)
          if (answer.errorCode === ErrorCode.NOT_LEADER_OR_FOLLOWER || answer.errorCode === ErrorCode.LEADER_NOT_AVAILABLE) this.onNotLeader(b.topic)
          checkErrorCode(answer.errorCode, `produce to ${b.topic}/${b.partition}`, answer.errorMessage)
          for (const { append, firstRecord } of b.appends) append.resolve(Number(answer.baseOffset) + firstRecord)
        } catch (err) {
          for (const { append } of b.appends) append.reject(err)
        }
      }
    } catch (err) {
      for (const b of batches) for (const { append } of b.appends) append.reject(err)
    } finally {
      this.inFlight.set(leader, (this.inFlight.get(leader) ?? 1) - 1)
      if (this.pending.has(leader)) this.schedule()
    }
  }
}

/**
 * One batch per partition where the appends allow it: consecutive appends to a
 * partition merge while the batch stays under MAX_MERGED_BATCH_BYTES (a batch that
 * cannot merge, or would not fit, starts the partition's next batch). Batches of a
 * partition keep the order of its appends.
 */
function mergeByPartition (appends: PendingAppend[]): PartitionBatch[] {
  const batches: Array<{ batch: PartitionBatch, parts: Buffer[], records: number, bytes: number }> = []
  /** The batch each partition's next append may join. */
  const open = new Map<string, typeof batches[number]>()
  for (const a of appends) {
    const key = `${a.topic}\u0000${a.partition}`
    const mergeable = isMergeableBatch(a.payload)
    const current = open.get(key)
    if (current !== undefined && mergeable && current.bytes + a.payload.length <= MAX_MERGED_BATCH_BYTES) {
      current.batch.appends.push({ append: a, firstRecord: current.records })
      current.parts.push(a.payload)
      current.records += recordCountOf(a.payload)
      current.bytes += a.payload.length
      continue
    }
    const entry = { batch: { topic: a.topic, partition: a.partition, payload: a.payload, appends: [{ append: a, firstRecord: 0 }] }, parts: [a.payload], records: recordCountOf(a.payload), bytes: a.payload.length }
    batches.push(entry)
    if (mergeable) open.set(key, entry)
    else open.delete(key)
  }
  return batches.map(({ batch, parts }) => {
    if (parts.length > 1) batch.payload = mergeBatches(parts)
    return batch
  })
}

/** Requests holding each partition once and about MAX_REQUEST_BYTES at most, in the order the batches came. */
function splitIntoRequests (batches: PartitionBatch[]): PartitionBatch[][] {
  const requests: Array<{ batches: PartitionBatch[], partitions: Set<string>, bytes: number }> = []
  for (const b of batches) {
    const key = `${b.topic}\u0000${b.partition}`
    // The first request without this partition and with room; batches of one partition keep their order across requests.
    let request = requests.find(r => !r.partitions.has(key) && (r.bytes + b.payload.length <= MAX_REQUEST_BYTES || r.batches.length === 0))
    if (request === undefined || requests.indexOf(request) < lastRequestWith(requests, key)) {
      request = { batches: [], partitions: new Set(), bytes: 0 }
      requests.push(request)
    }
    request.batches.push(b)
    request.partitions.add(key)
    request.bytes += b.payload.length
  }
  return requests.map(r => r.batches)
}

function lastRequestWith (requests: Array<{ partitions: Set<string> }>, key: string): number {
  for (let i = requests.length - 1; i >= 0; i--) if (requests[i]!.partitions.has(key)) return i
  return -1
}
