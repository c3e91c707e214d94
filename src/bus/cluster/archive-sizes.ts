// An archive's SizeBytes on a cluster. Embedded, the log knows each partition's
// bytes; on a Kafka cluster only the brokers do, and Kafka's public way to ask is
// DescribeLogDirs (the size of every replica of a partition, per log directory).
// DescribeArchive answers from memory, so the sizes of the archive topics are
// refreshed in the background every `intervalMs` (default 10 s): SizeBytes lags
// the archive by up to that. The largest replica of a partition counts (replicas
// differ only by what a follower has not copied yet). Without the cluster
// `Describe` ACL the brokers refuse, and SizeBytes stays 0 (logged once).
import type { Logger } from 'pino'
import { describeLogDirsApi } from '../../protocol/messages/describe-log-dirs.js'
import { ErrorCode } from '../../protocol/errors.js'
import type { KafkaLogEngine } from './kafka-log.js'

const ARCHIVE_TOPIC_PREFIX = '__bus.archive.'

export class ArchiveSizes {
  private timer: NodeJS.Timeout | null = null
  private running: Promise<void> | null = null
  private refusedLogged = false

  constructor (private readonly engine: KafkaLogEngine, private readonly intervalMs = 10_000, private readonly logger?: Logger) {}

  start (): void {
    this.timer = setInterval(() => { this.running ??= this.refresh().catch(err => this.logger?.debug({ err }, 'could not read archive sizes')).finally(() => { this.running = null }) }, this.intervalMs)
    this.timer.unref()
  }

  async stop (): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = null
    await this.running
  }

  /** One DescribeLogDirs per broker for every archive topic; each partition's largest replica is recorded. */
  async refresh (): Promise<void> {
    const archives = this.engine.knownTopics().filter(t => t.name.startsWith(ARCHIVE_TOPIC_PREFIX))
    if (archives.length === 0) return
    const byClusterName = new Map(archives.map(t => [this.engine.clusterName(t.name), t.name]))
    const sizes = new Map<string, { topic: string, partition: number, bytes: number }>()
    await this.engine.link.use(async client => {
      const { brokers } = await client.metadata([])
      for (const broker of brokers) {
        const connection = await client.broker(broker.nodeId)
        const { body } = await connection.request(describeLogDirsApi, {
          topics: archives.map(t => ({ topic: this.engine.clusterName(t.name), partitions: Array.from({ length: t.partitions }, (_, i) => i) })),
        })
        if (body.errorCode === ErrorCode.CLUSTER_AUTHORIZATION_FAILED) {
          if (!this.refusedLogged) this.logger?.warn('archive SizeBytes stays 0: the cluster refused DescribeLogDirs (grant Describe on the cluster)')
          this.refusedLogged = true
          continue
        }
        for (const dir of body.results) {
          for (const t of dir.topics) {
            const topic = byClusterName.get(t.name)
            if (topic === undefined) continue
            for (const p of t.partitions) {
              const key = `${topic}\u0000${p.partitionIndex}`
              const bytes = Number(p.partitionSize)
              if ((sizes.get(key)?.bytes ?? -1) < bytes) sizes.set(key, { topic, partition: p.partitionIndex, bytes })
            }
          }
        }
      }
    })
    for (const { topic, partition, bytes } of sizes.values()) this.engine.recordSize(topic, partition, bytes)
  }
}
