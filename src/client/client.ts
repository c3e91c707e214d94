// The cluster view a tool needs: a bootstrap list, one connection per broker
// (opened lazily, reused), metadata, and "which connection serves this
// partition / this group". The admin, producer, fetcher and group member are
// built on it.
import { metadataApi } from '../protocol/messages/metadata.js'
import { findCoordinatorApi } from '../protocol/messages/find-coordinator.js'
import { KafkaConnection } from './connection.js'
import type { ClientSecurity } from './security.js'
import { ClientError, ClientErrorCode, checkErrorCode, onlyEntry } from './errors.js'
import { TributaryError, TributaryErrorCode } from '../errors.js'

export interface BrokerAddress { host: string, port: number }

export interface PartitionMetadata { partition: number, leaderId: number, errorCode: number }
export interface TopicMetadata { name: string, errorCode: number, isInternal: boolean, partitions: PartitionMetadata[] }
export interface ClusterMetadata {
  clusterId: string | null
  controllerId: number
  brokers: Array<{ nodeId: number, host: string, port: number }>
  topics: TopicMetadata[]
}

export interface ClientOptions { clientId?: string, timeoutMs?: number, security?: ClientSecurity }

export const DEFAULT_BROKERS = '127.0.0.1:9092'

/** Parses "host:port[,host:port...]"; a bare host gets port 9092. Throws on anything else. */
export function parseBrokerList (text: string): BrokerAddress[] {
  const out: BrokerAddress[] = []
  for (const part of text.split(',').map(s => s.trim()).filter(s => s !== '')) {
    const match = /^(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(part)
    const port = match?.[2] === undefined ? 9092 : Number(match[2])
    if (match === null || port < 1 || port > 65535) throw new TributaryError(TributaryErrorCode.CONFIG, `"${part}" is not host:port`)
    out.push({ host: match[1]!.replace(/^\[|\]$/g, ''), port })
  }
  if (out.length === 0) throw new TributaryError(TributaryErrorCode.CONFIG, 'the broker list is empty')
  return out
}

export class KafkaClient {
  private readonly connections = new Map<string, KafkaConnection>()
  private bootstrapConnection: KafkaConnection | null = null
  private brokerAddresses = new Map<number, BrokerAddress>()

  private constructor (private readonly bootstrap: BrokerAddress[], private readonly options: ClientOptions) {}

  /** Connects to the first bootstrap broker that answers. */
  static async connect (bootstrap: BrokerAddress[] | string, options: ClientOptions = {}): Promise<KafkaClient> {
    const list = typeof bootstrap === 'string' ? parseBrokerList(bootstrap) : bootstrap
    const client = new KafkaClient(list, options)
    let lastError: unknown
    for (const address of list) {
      try {
        client.bootstrapConnection = await client.open(address)
        return client
      } catch (err) {
        lastError = err
      }
    }
    throw lastError
  }

  /** A connection to the bootstrap broker (any broker can answer metadata and admin requests here). */
  get any (): KafkaConnection {
    if (this.bootstrapConnection === null) throw new ClientError(ClientErrorCode.connectionLost, 'the client is closed')
    return this.bootstrapConnection
  }

  async metadata (topics: string[] | null = null): Promise<ClusterMetadata> {
    const { body } = await this.any.request(metadataApi, {
      topics: topics === null ? null : topics.map(name => ({ name })),
      allowAutoTopicCreation: false
    }, { maxVersion: 12 })
    this.brokerAddresses = new Map(body.brokers.map(b => [b.nodeId, { host: b.host, port: b.port }]))
    return {
      clusterId: body.clusterId,
      controllerId: body.controllerId,
      brokers: body.brokers.map(b => ({ nodeId: b.nodeId, host: b.host, port: b.port })),
      topics: body.topics.map(t => ({
        // asked by name (never by topic id), every topic in the answer has its name
        name: t.name ?? '',
        errorCode: t.errorCode,
        isInternal: t.isInternal,
        partitions: t.partitions
          .map(p => ({ partition: p.partitionIndex, leaderId: p.leaderId, errorCode: p.errorCode }))
          .sort((a, b) => a.partition - b.partition)
      }))
    }
  }

  /**
   * The connection to broker `nodeId`. With one broker in the cluster that is the
   * bootstrap connection, whatever address the broker advertises (a single node
   * behind NAT or in a container often advertises a name the tool cannot resolve).
   */
  async broker (nodeId: number): Promise<KafkaConnection> {
    if (this.brokerAddresses.size === 0) await this.metadata([])
    if (this.brokerAddresses.size <= 1) return this.any
    const address = this.brokerAddresses.get(nodeId)
    if (address === undefined) throw new ClientError(ClientErrorCode.connectionLost, `broker ${nodeId} is not in the cluster metadata`)
    return await this.open(address)
  }

  /** The group coordinator's connection. */
  async coordinator (groupId: string): Promise<KafkaConnection> {
    const { body, version } = await this.any.request(findCoordinatorApi, { key: groupId, keyType: 0, coordinatorKeys: [groupId] })
    const answer = version >= 4 ? onlyEntry(body.coordinators, `FindCoordinator for group "${groupId}"`) : body
    checkErrorCode(answer.errorCode, `FindCoordinator for group "${groupId}"`, answer.errorMessage)
    return await this.broker(answer.nodeId)
  }

  close (): void {
    for (const connection of this.connections.values()) connection.close()
    this.connections.clear()
    this.bootstrapConnection = null
  }

  private async open (address: BrokerAddress): Promise<KafkaConnection> {
    const key = `${address.host}:${address.port}`
    const existing = this.connections.get(key)
    if (existing !== undefined) return existing
    const connection = await KafkaConnection.open({ ...address, ...this.options })
    this.connections.set(key, connection)
    return connection
  }

  /** The first bootstrap address, for messages. */
  get bootstrapAddress (): string {
    const first = this.bootstrap[0]!
    return `${first.host}:${first.port}`
  }
}
