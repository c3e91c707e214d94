// Where a stream's records go. Two transports behind one interface: `remote`
// for any Kafka-protocol cluster, `embedded` for a broker started in this
// process by startTributary(). Both speak through Tributary's own client
// (src/client) — our typed codec, no third-party Kafka client at run time:
// kafkajs is looking for maintainers and @platformatic/kafka declares Node 22.
//
// The embedded transport connects over loopback to the embedded broker rather
// than calling the log and the coordinator directly: that keeps group
// membership, commits and produce validation on the one code path every Kafka
// client uses (a second path would be a second implementation to keep in step).
// What it adds is the broker's own clock, so retry backoff follows t.clock.
import { KafkaClient, parseBrokerList, KafkaResponseError, TopicAdmin } from '../../client/index.js'
import { systemClock, type Clock } from '../../broker/groups/clock.js'
import { ErrorCode } from '../../protocol/errors.js'
import type { EmbeddedTributary } from '../embedded.js'

export interface StreamTransport {
  readonly kind: 'embedded' | 'remote'
  /** Bootstrap servers, for messages. */
  readonly brokers: string[]
  /** The clock retry backoff waits on. */
  readonly clock: Clock
  /** A new client: each subscription gets its own, so its long fetches never queue a publish. */
  connect: (clientId: string, timeoutMs?: number) => Promise<KafkaClient>
}

export function remoteTransport (brokers: string[], clock: Clock = systemClock()): StreamTransport {
  const addresses = parseBrokerList(brokers.join(','))
  return {
    kind: 'remote',
    brokers,
    clock,
    connect: async (clientId, timeoutMs) => await KafkaClient.connect(addresses, timeoutMs === undefined ? { clientId } : { clientId, timeoutMs })
  }
}

export function embeddedTransport (tributary: EmbeddedTributary, clock?: Clock): StreamTransport {
  return { ...remoteTransport(tributary.brokers, clock ?? tributary.clock), kind: 'embedded' }
}

/**
 * Creates `topic` unless it exists; a topic another publisher created at the
 * same moment counts as created. Returns the partition count.
 */
export async function ensureTopic (client: KafkaClient, topic: string, partitions: number): Promise<void> {
  const metadata = await client.metadata([topic])
  const found = metadata.topics[0]
  if (found !== undefined && found.errorCode === 0) return
  try {
    await new TopicAdmin(client).create(topic, partitions)
  } catch (err) {
    if (!(err instanceof KafkaResponseError && err.errorCode === ErrorCode.TOPIC_ALREADY_EXISTS)) throw err
  }
}
