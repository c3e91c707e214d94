// Appends made in one turn of the event loop go to their leader in one Produce
// request (acks=all), not one request per partition. A PutEvents of 10 entries
// from 12 sources touches about 5 of a bus's 6 partitions; one request per
// partition cost the worker and the broker a request each (encode, frame, decode,
// a turn of the broker's request handling), and the worker's CPU per event is what
// decides whether adding workers on shared cores makes the tier slower
// (bench/bus-scale-out.ts). Appends of several PutEvents handled in the same turn
// share the request too. Each partition appears once per request (Apache Kafka
// takes one record batch per partition in a Produce of v3 and later), so a second
// append to a partition in the same turn goes in a second request, sent at once on
// another connection. Every append is answered by its own partition's answer: one
// partition's error fails only the appends to it.
import { produceApi } from '../../protocol/messages/produce.js'
import { ErrorCode } from '../../protocol/errors.js'
import { KafkaResponseError, checkErrorCode } from '../../client/errors.js'
import type { ClusterLink } from './link.js'

/** Bytes above which a coalesced request is closed and the next one begun. */
const MAX_REQUEST_BYTES = 4 * 1024 * 1024

interface PendingAppend {
  topic: string
  partition: number
  payload: Buffer
  resolve: (baseOffset: number) => void
  reject: (err: unknown) => void
}

export class ProduceCoalescer {
  private readonly pending = new Map<number, PendingAppend[]>()
  private scheduled = false

  /**
   * @param link the connection the next request goes over (round-robin over several)
   * @param onNotLeader called with a topic's cluster name when its leader has moved
   */
  constructor (private readonly link: () => ClusterLink, private readonly onNotLeader: (topic: string) => void) {}

  /** Appends `payload` (one encoded batch) to `topic`/`partition` at `leader`; resolves with its base offset once acks=all is in. */
  async append (leader: number, topic: string, partition: number, payload: Buffer): Promise<number> {
    return await new Promise<number>((resolve, reject) => {
      let list = this.pending.get(leader)
      if (list === undefined) this.pending.set(leader, list = [])
      list.push({ topic, partition, payload, resolve, reject })
      if (!this.scheduled) {
        this.scheduled = true
        setImmediate(() => this.flush())
      }
    })
  }

  private flush (): void {
    this.scheduled = false
    const byLeader = [...this.pending]
    this.pending.clear()
    for (const [leader, appends] of byLeader) {
      // send() settles every append itself and never rejects.
      for (const request of splitIntoRequests(appends)) this.send(leader, request).catch(() => {})
    }
  }

  private async send (leader: number, appends: PendingAppend[]): Promise<void> {
    const byTopic = new Map<string, PendingAppend[]>()
    for (const a of appends) {
      let list = byTopic.get(a.topic)
      if (list === undefined) byTopic.set(a.topic, list = [])
      list.push(a)
    }
    try {
      const { body } = await this.link().use(async client => await (await client.broker(leader)).request(produceApi, {
        transactionalId: null,
        acks: -1,
        timeoutMs: 30_000,
        topicData: [...byTopic].map(([name, list]) => ({ name, partitionData: list.map(a => ({ index: a.partition, records: a.payload })) })),
      }, { minVersion: 3 }))
      for (const a of appends) {
        const answer = body.responses.find(t => t.name === a.topic)?.partitionResponses.find(p => p.index === a.partition)
        try {
          if (answer === undefined) throw new KafkaResponseError(ErrorCode.UNKNOWN_SERVER_ERROR, `produce to ${a.topic}/${a.partition}: no answer for the partition`)
          if (answer.errorCode === ErrorCode.NOT_LEADER_OR_FOLLOWER || answer.errorCode === ErrorCode.LEADER_NOT_AVAILABLE) this.onNotLeader(a.topic)
          checkErrorCode(answer.errorCode, `produce to ${a.topic}/${a.partition}`, answer.errorMessage)
          a.resolve(Number(answer.baseOffset))
        } catch (err) {
          a.reject(err)
        }
      }
    } catch (err) {
      for (const a of appends) a.reject(err)
    }
  }
}

/** Requests holding each partition once and about MAX_REQUEST_BYTES at most, in the order the appends came. */
function splitIntoRequests (appends: PendingAppend[]): PendingAppend[][] {
  const requests: Array<{ appends: PendingAppend[], partitions: Set<string>, bytes: number }> = []
  for (const a of appends) {
    const key = `${a.topic}\u0000${a.partition}`
    // The first request without this partition and with room; appends to one partition keep their order across requests.
    let request = requests.find(r => !r.partitions.has(key) && (r.bytes + a.payload.length <= MAX_REQUEST_BYTES || r.appends.length === 0))
    if (request === undefined || requests.indexOf(request) < lastRequestWith(requests, key)) {
      request = { appends: [], partitions: new Set(), bytes: 0 }
      requests.push(request)
    }
    request.appends.push(a)
    request.partitions.add(key)
    request.bytes += a.payload.length
  }
  return requests.map(r => r.appends)
}

function lastRequestWith (requests: Array<{ partitions: Set<string> }>, key: string): number {
  for (let i = requests.length - 1; i >= 0; i--) if (requests[i]!.partitions.has(key)) return i
  return -1
}
