// The log engine's front door: opens a data directory, owns the topics and
// their partition logs, persists topic metadata, runs retention, and marks a
// clean shutdown so the next start need not re-read the logs.
import { topicNameProblem } from './topic-name.js'
import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { resolveTopicConfigs, TOPIC_CONFIG_DEFAULTS, TOPIC_CONFIG_DEFS, validateTopicConfigs } from './config.js'
import type { ResolvedTopicConfig, TopicConfigs } from './config.js'
import { TributaryError, TributaryErrorCode } from '../errors.js'
import { fitFileName } from './file-names.js'
import { withFlushDefaults } from './flush-policy.js'
import { LogCleaner } from './cleaner.js'
import type { CleanerRunOptions, CleanerStats, CleanTarget } from './cleaner.js'
import { mkdirDurable, realFs } from './fs.js'
import type { DiskSpace, FileSystem } from './fs.js'
import { PartitionLog } from './partition-log.js'
import type { AppendValidator, PartitionContext, PartitionFacts } from './partition-log.js'
import { decodeShutdownFacts, encodeShutdownFacts } from './shutdown-facts.js'
import { forEachLimited } from './limited.js'
import type { ShutdownFacts } from './shutdown-facts.js'
import { TailCacheBudget, type BlockPool } from './tail-cache.js'
import { traceOrigin } from './background-trace.js'
import { readRecoveryCheckpoint, RECOVERY_CHECKPOINT_FILE, RecoveryCheckpointWriter, verifyAgainstFiles } from './recovery-checkpoint.js'
import type { CheckpointSource } from './recovery-checkpoint.js'

export interface LogManagerOptions {
  /** Broker-level defaults for topic configs (Kafka names). */
  defaults?: TopicConfigs
  /** Default true: acks=all waits for an fsync (group-committed). */
  fsyncOnAcksAll?: boolean
  /** log.flush.interval.ms / log.flush.interval.messages: broker defaults of flush.ms / flush.messages. */
  flushIntervalMs?: number
  flushIntervalMessages?: number
  /** Pause between log cleaner passes (compacted topics); 0 or less: only cleanLogs(). Default 15 s. */
  logCleanerIntervalMs?: number
  /** Called when a cleaner pass fails on a partition (the partition keeps serving). */
  onCleanerError?: (err: unknown, topic: string, partition: number) => void
  /** producer.id.expiration.ms: idle idempotent producers are forgotten after this long (default 1 day). */
  producerIdExpirationMs?: number
  /** Most bytes one produced compressed batch may inflate to while its records are checked (default 64 MiB). */
  maxDecompressedBatchBytes?: number
  /** Most bytes of recent batches kept in memory, all partitions together, for fetches at the tail (default 0: off). */
  fetchTailCacheBytes?: number
  /** Warm buffers for the tail cache's blocks (the broker's tailCachePool); fresh ones without it. */
  tailCachePool?: BlockPool
  /** How often the recovery checkpoint is rewritten (when something changed), so a restart after a crash recovers only partitions written since. Default 5 s. */
  recoveryCheckpointIntervalMs?: number
  /** Where failures of background work (fsyncs, checkpoints, snapshots, closes) are logged, with their partition. */
  logger?: LogWarnings
  fs?: FileSystem
  now?: () => number
}

/** The part of a pino logger the log engine uses. */
export interface LogWarnings {
  warn: (fields: Record<string, unknown>, message: string) => void
}

export interface TopicInfo {
  name: string
  /** UUID string, e.g. "0b7e...-..."; stable across restarts. */
  topicId: string
  partitions: number
  /** Overrides only (what was set on the topic). */
  configs: TopicConfigs
}

export interface ConfigEntry {
  name: string
  value: string
  /** 'topic': set on the topic; 'broker': broker default; 'default': Kafka's default. */
  source: 'topic' | 'broker' | 'default'
  isDefault: boolean
  readOnly: boolean
  sensitive: boolean
  /** Kafka's DescribeConfigs config type (see ConfigType in ./config.ts). */
  type: number
}

interface TopicState {
  info: TopicInfo
  resolved: ResolvedTopicConfig
  logs: PartitionLog[]
  /** `resolved` as it is when called: one closure a topic for its partitions' contexts, not one a partition. */
  config: () => ResolvedTopicConfig
}

function newTopicState (info: TopicInfo, resolved: ResolvedTopicConfig): TopicState {
  const state: TopicState = { info, resolved, logs: [], config: () => state.resolved }
  return state
}

const CLEAN_SHUTDOWN_FILE = '.clean-shutdown'
/** Partitions opened (and closed) at once. */
const OPEN_CONCURRENCY = 64
/** fsyncs the recovery checkpoint runs at once for partitions written without one: leaves libuv's other threads to the produce path. */
const CHECKPOINT_FLUSH_CONCURRENCY = 2
const TOPICS_DIR = 'topics'
export function validateTopicName (name: string): void {
  const problem = topicNameProblem(name)
  if (problem !== null) throw new TributaryError(TributaryErrorCode.INVALID_TOPIC, problem)
}

export class LogManager {
  private readonly topicsByName = new Map<string, TopicState>()
  private validator: AppendValidator | undefined
  // shared by every partition's context (10,000 partitions held 10,000 copies of each closure)
  private readonly currentValidator = (): AppendValidator | undefined => this.validator
  // the checkpoint stops vouching for a partition (durably) before its log start moves
  private readonly checkpointBeforeLogStartChange = (): Promise<void> => this.checkpoint?.request() ?? Promise.resolve()
  private producerIdExpirationMs: number | undefined
  private maxDecompressedBatchBytes: number | undefined
  private tailCache: TailCacheBudget | undefined
  private logger: LogWarnings | undefined
  private dynamicDefaults: TopicConfigs | null = null
  private closed = false
  private cleaner: LogCleaner | null = null
  private checkpoint: RecoveryCheckpointWriter | null = null
  private checkpointTimer: NodeJS.Timeout | null = null
  /** Set once start-up has opened the existing partitions. */
  private opened = false
  /** True if the previous run ended with close(). */
  readonly wasCleanShutdown: boolean
  /** Partitions that opened their files at start (recovered after a crash, or compacted): the rest started dormant. */
  partitionsOpenedAtStart = 0

  private constructor (
    readonly dataDir: string,
    private readonly fs: FileSystem,
    private readonly defaults: TopicConfigs,
    private readonly fsyncOnAcksAll: boolean,
    private readonly now: () => number,
    clean: boolean
  ) {
    this.wasCleanShutdown = clean
  }

  static async open (dataDir: string, options: LogManagerOptions = {}): Promise<LogManager> {
    const fs = options.fs ?? realFs
    const defaults = withFlushDefaults(options.defaults ?? {}, options)
    validateTopicConfigs(defaults)
    await mkdirDurable(fs, join(dataDir, TOPICS_DIR))
    const marker = join(dataDir, CLEAN_SHUTDOWN_FILE)
    const markerBytes = await fs.readFile(marker)
    const clean = markerBytes !== null
    // from here on a crash is unclean; made durable before anything new is written (open
    // returns after it), while the topics are read in the meantime
    // after a clean close the marker becomes the recovery checkpoint: every fact in it was fsynced at close
    const unmarked = clean ? fs.rename(marker, join(dataDir, RECOVERY_CHECKPOINT_FILE)).then(() => fs.syncDir(dataDir)) : Promise.resolve()
    unmarked.catch(() => undefined) // awaited below; this keeps it handled if reading the topics fails first
    const mgr = new LogManager(dataDir, fs, defaults, options.fsyncOnAcksAll ?? true, options.now ?? Date.now, clean)
    mgr.producerIdExpirationMs = options.producerIdExpirationMs
    mgr.maxDecompressedBatchBytes = options.maxDecompressedBatchBytes
    if ((options.fetchTailCacheBytes ?? 0) > 0) mgr.tailCache = new TailCacheBudget(options.fetchTailCacheBytes!, options.tailCachePool)
    mgr.logger = options.logger
    for (const name of await fs.readdir(dataDir)) {
      if (name.endsWith('-delete')) await fs.removeDir(join(dataDir, name))
    }
    const infos: TopicInfo[] = []
    for (const file of await fs.readdir(join(dataDir, TOPICS_DIR))) {
      if (!file.endsWith('.json')) continue
      const raw = await fs.readFile(join(dataDir, TOPICS_DIR, file))
      if (raw === null) continue
      infos.push(JSON.parse(raw.toString('utf8')) as TopicInfo)
    }
    traceOrigin()
    mgr.checkpoint = new RecoveryCheckpointWriter(fs, dataDir, () => mgr.checkpointSources(), mgr.now)
    // after a crash, the partitions the last checkpoint vouches for and whose files it still matches start dormant
    const facts = clean ? decodeShutdownFacts(markerBytes) : await verifyAgainstFiles(fs, await readRecoveryCheckpoint(fs, dataDir), mgr.partitionDirById(infos))
    const recovered = await mgr.openTopics(infos, facts)
    mgr.partitionsOpenedAtStart = recovered
    // what recovery kept is made durable by one syncfs, not an fsync per partition, before anything is served
    if (!clean && recovered > 0 && fs.syncFileSystem !== undefined) await fs.syncFileSystem(dataDir)
    mgr.opened = true
    await unmarked
    // what was just recovered is fsynced: checkpoint it now, so another crash does not recover it again
    if (!clean) mgr.writeCheckpointInBackground()
    const interval = options.recoveryCheckpointIntervalMs ?? 5_000
    mgr.checkpointTimer = setInterval(() => { mgr.writeCheckpointInBackground() }, interval)
    mgr.checkpointTimer.unref()
    mgr.cleaner = new LogCleaner({
      fs,
      now: mgr.now,
      targets: () => mgr.cleanerTargets(),
      intervalMs: options.logCleanerIntervalMs,
      onError: (err, t) => options.onCleanerError?.(err, t.log.topic, t.log.partition),
    })
    mgr.cleaner.start()
    return mgr
  }

  /**
   * Opens every partition of `infos` (returns how many opened their files), OPEN_CONCURRENCY at a time: opening is a
   * handful of small file operations each, so with thousands of partitions the
   * restart time is set by how many are in flight, not by the data they hold.
   */
  private async openTopics (infos: TopicInfo[], facts: ShutdownFacts): Promise<number> {
    const jobs: Array<{ state: TopicState, partition: number }> = []
    for (const info of infos) {
      const state = newTopicState(info, resolveTopicConfigs(this.brokerDefaults, info.configs))
      this.topicsByName.set(info.name, state)
      for (let p = 0; p < info.partitions; p++) jobs.push({ state, partition: p })
    }
    const toOpen: typeof jobs = []
    for (const job of jobs) {
      // the cleaner works on the segments of compacted partitions, so those always open now
      const known = job.state.resolved.compact ? undefined : facts.get(job.state.info.topicId)?.[job.partition] ?? undefined
      if (known === undefined) toOpen.push(job)
      else job.state.logs[job.partition] = PartitionLog.dormant(this.partitionContext(job.state, job.partition), known)
    }
    await forEachLimited(toOpen.length, OPEN_CONCURRENCY, async i => {
      const job = toOpen[i]!
      job.state.logs[job.partition] = await this.openPartition(job.state, job.partition)
    })
    return toOpen.length
  }

  /** The partitions the recovery checkpoint covers, each with what it can vouch for now. */
  private checkpointSources (): CheckpointSource[] {
    return [...this.topicsByName.values()].map(state => ({
      topicId: state.info.topicId,
      // compacted partitions always open at start (the cleaner rewrites their segments), so they are left out
      facts: () => state.resolved.compact ? [] : state.logs.map(log => log.recoveryFacts()),
      // partitions written without an fsync of their own (acks=0/1) are fsynced first, a few at a
      // time, so the checkpoint can vouch for them: after kill -9 only what was written since is recovered
      flush: async () => {
        if (state.resolved.compact) return
        const dirty = state.logs.filter(log => !log.isDormant && log.durableEnd < log.highWatermark)
        await forEachLimited(dirty.length, CHECKPOINT_FLUSH_CONCURRENCY, async i => {
          const log = dirty[i]!
          // a failed fsync takes the partition offline, which leaves it out of the checkpoint
          await log.flushed(log.highWatermark - 1).catch(() => undefined)
        })
      },
    }))
  }

  /**
   * Writes the recovery checkpoint now (it is also written every
   * recoveryCheckpointIntervalMs); resolves once it is durable.
   */
  async writeRecoveryCheckpoint (): Promise<void> {
    this.assertOpen()
    await this.checkpoint!.request()
  }

  private writeCheckpointInBackground (): void {
    this.checkpoint?.request().catch((err: unknown) => {
      if (this.logger !== undefined) this.logger.warn({ err }, 'writing the recovery checkpoint failed')
      else process.emitWarning(`writing the recovery checkpoint failed: ${err instanceof Error ? err.message : String(err)}`)
    })
  }

  /** Directory of a partition by topic id, for the partitions of `infos`. */
  private partitionDirById (infos: TopicInfo[]): (topicId: string, partition: number) => string | null {
    const byId = new Map(infos.map(i => [i.topicId, i]))
    return (topicId, partition) => {
      const info = byId.get(topicId)
      return info === undefined || partition >= info.partitions ? null : join(this.dataDir, `${info.name}-${partition}`)
    }
  }

  /** Opens partitions [from, to) of a topic as new ones, OPEN_CONCURRENCY at a time; on failure closes those opened. */
  private async openFreshPartitions (state: TopicState, from: number, to: number): Promise<PartitionLog[]> {
    const logs: PartitionLog[] = []
    try {
      await forEachLimited(to - from, OPEN_CONCURRENCY, async i => { logs[i] = await this.openFreshPartition(state, from + i) })
    } catch (err) {
      // the create is failing with `err`; a close failing too is only worth a warning
      for (const log of logs) {
        if (log !== undefined) await log.close().catch((closeErr: unknown) => { this.warn('closing a partition of a failed create failed', closeErr, state.info.name, log.partition) })
      }
      throw err
    }
    return logs
  }

  /**
   * A partition the metadata does not list yet: a directory already under its name
   * is a leftover (a deletion or a creation cut short by a crash), never live data.
   */
  private async openFreshPartition (state: TopicState, partition: number): Promise<PartitionLog> {
    await this.fs.removeDir(join(this.dataDir, `${state.info.name}-${partition}`))
    return this.openPartition(state, partition)
  }

  private openPartition (state: TopicState, partition: number): Promise<PartitionLog> {
    return PartitionLog.open(this.partitionContext(state, partition))
  }

  private partitionContext (state: TopicState, partition: number): PartitionContext {
    return {
      fs: this.fs,
      topic: state.info.name,
      partition,
      dir: join(this.dataDir, `${state.info.name}-${partition}`),
      config: state.config,
      fsyncOnAcksAll: this.fsyncOnAcksAll,
      now: this.now,
      validator: this.currentValidator,
      producerIdExpirationMs: this.producerIdExpirationMs,
      maxDecompressedBatchBytes: this.maxDecompressedBatchBytes,
      onBackgroundError: (what, err) => this.warn(what, err, state.info.name, partition),
      cleanShutdown: this.wasCleanShutdown && !this.opened,
      syncedByStart: !this.wasCleanShutdown && !this.opened && this.fs.syncFileSystem !== undefined,
      tailCache: this.tailCache,
      beforeLogStartChange: this.checkpointBeforeLogStartChange,
    }
  }

  private warn (what: string, err: unknown, topic: string, partition: number): void {
    if (this.logger !== undefined) this.logger.warn({ err, topic, partition }, what)
    else process.emitWarning(`${topic}-${partition}: ${what}: ${err instanceof Error ? err.message : String(err)}`)
  }

  private async saveTopic (info: TopicInfo): Promise<void> {
    await this.fs.writeFileAtomic(join(this.dataDir, TOPICS_DIR, `${info.name}.json`), JSON.stringify(info))
  }

  topics (): TopicInfo[] { return [...this.topicsByName.values()].map(s => s.info) }
  topic (name: string): TopicInfo | undefined { return this.topicsByName.get(name)?.info }
  partition (name: string, partition: number): PartitionLog | undefined {
    return this.topicsByName.get(name)?.logs[partition]
  }

  /** The data directory's file system size and free space; -1 for each when the store has no disk behind it. */
  async diskSpace (): Promise<DiskSpace> {
    if (this.fs.statfs === undefined) return { totalBytes: -1, usableBytes: -1 }
    return await this.fs.statfs(this.dataDir)
  }

  /** Like partition() but throws UNKNOWN_TOPIC_OR_PARTITION. */
  requirePartition (name: string, partition: number): PartitionLog {
    const log = this.partition(name, partition)
    if (log === undefined) throw new TributaryError(TributaryErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `unknown topic-partition ${name}-${partition}`)
    return log
  }

  /** Broker-level topic defaults: the static ones, overlaid by those set at runtime. */
  private get brokerDefaults (): TopicConfigs {
    return this.dynamicDefaults === null ? this.defaults : { ...this.defaults, ...this.dynamicDefaults }
  }

  /**
   * Sets the broker-level topic defaults changed at runtime (Kafka's dynamic log
   * configs: message.max.bytes for max.message.bytes, ...), under their topic
   * names, replacing the previous set; every topic without its own override
   * follows them from its next append. Throws INVALID_CONFIG and changes
   * nothing if one does not validate.
   */
  setDynamicDefaults (dynamic: TopicConfigs): void {
    validateTopicConfigs(dynamic)
    this.dynamicDefaults = Object.keys(dynamic).length === 0 ? null : { ...dynamic }
    for (const state of this.topicsByName.values()) state.resolved = resolveTopicConfigs(this.brokerDefaults, state.info.configs)
  }

  /** Runs on every append after CRC/size checks, before offsets are assigned (idempotence, transactions). */
  setAppendValidator (fn: AppendValidator | undefined): void { this.validator = fn }

  async createTopic (name: string, partitions: number, configs: TopicConfigs = {}, options: { validateOnly?: boolean, topicId?: string } = {}): Promise<TopicInfo> {
    this.assertOpen()
    validateTopicName(name)
    if (this.topicsByName.has(name)) throw new TributaryError(TributaryErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${name}' already exists.`)
    if (!Number.isInteger(partitions) || partitions < 1 || partitions > 100_000) {
      throw new TributaryError(TributaryErrorCode.INVALID_PARTITIONS, `Number of partitions must be at least 1, got ${partitions}`)
    }
    validateTopicConfigs(configs)
    const info: TopicInfo = { name, topicId: options.topicId ?? randomUUID(), partitions, configs: { ...configs } }
    if (options.validateOnly === true) return info
    // reserve the name before any await so a concurrent create fails
    const state = newTopicState(info, resolveTopicConfigs(this.brokerDefaults, info.configs))
    this.topicsByName.set(name, state)
    // partitions take appends only once the metadata naming them is durable: an
    // acknowledged batch must not vanish with a topic that a crash un-creates
    let logs: PartitionLog[]
    try {
      logs = await this.openFreshPartitions(state, 0, partitions)
    } catch (err) {
      this.topicsByName.delete(name)
      throw err
    }
    try {
      await this.saveTopic(info)
    } catch (err) {
      this.topicsByName.delete(name)
      for (const log of logs) await log.close().catch((closeErr: unknown) => { this.warn('closing a partition of a failed create failed', closeErr, name, log.partition) })
      throw err
    }
    state.logs = logs
    return info
  }

  async deleteTopic (name: string): Promise<void> {
    this.assertOpen()
    const state = this.requireTopic(name)
    this.topicsByName.delete(name)
    // removing the metadata is the commit point; directories go after
    await this.fs.unlink(join(this.dataDir, TOPICS_DIR, `${name}.json`))
    await this.fs.syncDir(join(this.dataDir, TOPICS_DIR))
    for (const log of state.logs) {
      await log.close()
      const dir = join(this.dataDir, `${name}-${log.partition}`)
      // the topic part is shortened so the marker fits in 255 bytes; partition and id keep it unique
      const doomed = join(this.dataDir, fitFileName(name, `-${log.partition}.${state.info.topicId}-delete`))
      await this.fs.rename(dir, doomed)
      await this.fs.removeDir(doomed)
    }
  }

  /** Grows a topic to `totalPartitions` partitions. */
  async createPartitions (name: string, totalPartitions: number, options: { validateOnly?: boolean } = {}): Promise<TopicInfo> {
    this.assertOpen()
    const state = this.requireTopic(name)
    if (!Number.isInteger(totalPartitions) || totalPartitions <= state.info.partitions) {
      throw new TributaryError(TributaryErrorCode.INVALID_PARTITIONS,
        `Topic currently has ${state.info.partitions} partitions, which is higher than or equal to the requested ${totalPartitions}.`)
    }
    if (options.validateOnly === true) return state.info
    // as in createTopic: the new partitions are published after the metadata listing them is durable
    const info = { ...state.info, partitions: totalPartitions }
    const added = await this.openFreshPartitions(state, state.info.partitions, totalPartitions)
    try {
      await this.saveTopic(info)
    } catch (err) {
      for (const log of added) await log.close().catch((closeErr: unknown) => { this.warn('closing a partition of a failed grow failed', closeErr, name, log.partition) })
      throw err
    }
    state.logs.push(...added)
    state.info = info
    return state.info
  }

  /** Every topic config with its effective value and where it comes from. */
  describeConfigs (name: string): ConfigEntry[] {
    const state = this.requireTopic(name)
    return Object.keys(TOPIC_CONFIG_DEFAULTS).sort().map(key => {
      const own = state.info.configs[key]
      const broker = this.brokerDefaults[key]
      const source = own !== undefined ? 'topic' : broker !== undefined ? 'broker' : 'default'
      return {
        name: key,
        value: own ?? broker ?? TOPIC_CONFIG_DEFAULTS[key]!,
        source,
        isDefault: source === 'default',
        readOnly: false,
        sensitive: false,
        type: TOPIC_CONFIG_DEFS[key]!.type,
      } satisfies ConfigEntry
    })
  }

  /**
   * Changes a topic's overrides. `incremental` (IncrementalAlterConfigs): keys
   * with a string are set, keys with null revert to the default, others kept.
   * Otherwise (AlterConfigs) the given map replaces all overrides.
   */
  async alterConfigs (name: string, changes: Record<string, string | null>, options: { incremental?: boolean, validateOnly?: boolean } = {}): Promise<TopicInfo> {
    this.assertOpen()
    const state = this.requireTopic(name)
    const next: TopicConfigs = options.incremental === true ? { ...state.info.configs } : {}
    for (const [key, value] of Object.entries(changes)) {
      if (value === null) {
        if (TOPIC_CONFIG_DEFS[key] === undefined) throw new TributaryError(TributaryErrorCode.INVALID_CONFIG, `Unknown topic config name: ${key}`)
        delete next[key]
      } else next[key] = value
    }
    validateTopicConfigs(next)
    if (options.validateOnly === true) return state.info
    state.info = { ...state.info, configs: next }
    state.resolved = resolveTopicConfigs(this.brokerDefaults, next)
    await this.saveTopic(state.info)
    return state.info
  }

  /** Applies retention.ms / retention.bytes to every partition; the broker calls this on a timer. */
  async enforceRetention (nowMs: number = this.now()): Promise<number> {
    let deleted = 0
    for (const state of this.topicsByName.values()) {
      for (const log of state.logs) deleted += await log.enforceRetention(nowMs)
    }
    return deleted
  }

  /** Runs a log cleaner pass now (compacted topics); `force` ignores min.cleanable.dirty.ratio. */
  cleanLogs (options: CleanerRunOptions = {}): Promise<CleanerStats> {
    this.assertOpen()
    return this.cleaner!.runOnce(options)
  }

  private cleanerTargets (): CleanTarget[] {
    const out: CleanTarget[] = []
    for (const state of this.topicsByName.values()) {
      if (!state.resolved.compact) continue
      for (const log of state.logs) {
        if (log.isDormant) {
          // made compacted since the start; it joins the next pass once its files are open
          log.ensureOpen().catch((err: unknown) => { this.warn('opening a partition for the cleaner failed', err, log.topic, log.partition) })
          continue
        }
        out.push({ log, dir: join(this.dataDir, `${state.info.name}-${log.partition}`), config: () => state.resolved })
      }
    }
    return out
  }

  /** Flushes and closes every log, then writes the clean-shutdown marker (not if a log failed to close). */
  async close (): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.cleaner?.stop()
    if (this.checkpointTimer !== null) clearInterval(this.checkpointTimer)
    await this.checkpoint?.settled()
    let failed = false
    const logs = [...this.topicsByName.values()].flatMap(state => state.logs)
    await forEachLimited(logs.length, OPEN_CONCURRENCY, async i => {
      const log = logs[i]!
      await log.close().catch((err: unknown) => { failed = true; this.warn('close failed; no clean-shutdown marker', err, log.topic, log.partition) })
    })
    if (failed) return
    // the marker carries what the next start needs to serve every partition without opening it
    const facts: Record<string, Array<PartitionFacts | null>> = {}
    for (const state of this.topicsByName.values()) facts[state.info.topicId] = state.logs.map(log => log.shutdownFacts())
    await this.fs.writeFileAtomic(join(this.dataDir, CLEAN_SHUTDOWN_FILE), encodeShutdownFacts(this.now(), facts))
  }

  private requireTopic (name: string): TopicState {
    const state = this.topicsByName.get(name)
    if (state === undefined) throw new TributaryError(TributaryErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `unknown topic ${name}`)
    return state
  }

  private assertOpen (): void {
    if (this.closed) throw new TributaryError(TributaryErrorCode.LOG_CLOSED, 'log manager is closed')
  }
}
