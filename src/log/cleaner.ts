// The log cleaner: compacts partitions whose cleanup.policy includes compact,
// one partition at a time, on a timer (Kafka's log.cleaner.backoff.ms) or on
// request. Each partition's checkpoint (first offset not yet cleaned) is kept in
// its directory; passes never overlap, and stop() waits for the running one.
import { join } from 'node:path'
import { cleanPartition, SwapIncompleteError } from './cleaner-partition.js'
import type { CleanTarget } from './cleaner-partition.js'
import type { FileSystem } from './fs.js'
import type { PartitionLog } from './partition-log.js'

export type { CleanTarget }

export const CLEANER_CHECKPOINT_FILE = 'cleaner-offset-checkpoint'
/** Kafka's log.cleaner.backoff.ms. */
export const DEFAULT_CLEANER_INTERVAL_MS = 15_000
/** Keys mapped per pass; Kafka bounds this by log.cleaner.dedupe.buffer.size. */
export const DEFAULT_CLEANER_MAX_KEYS = 4_000_000

export interface LogCleanerOptions {
  fs: FileSystem
  now: () => number
  /** Partitions to consider, asked afresh at every pass. */
  targets: () => CleanTarget[]
  /** Pause between passes; 0 or less: no timer, only runOnce(). */
  intervalMs?: number
  maxKeys?: number
  onError?: (err: unknown, target: CleanTarget) => void
}

export interface CleanerStats {
  partitionsCleaned: number
  segmentsRewritten: number
  recordsRemoved: number
  bytesBefore: number
  bytesAfter: number
  errors: number
}

export interface CleanerRunOptions {
  /** Clean even below min.cleanable.dirty.ratio. */
  force?: boolean
  /** Only this topic. */
  topic?: string
}

interface PartitionCleanerState {
  checkpoint: number | undefined
  /** A swap could not be finished: leave the partition alone until the next open finishes it. */
  disabled: boolean
}

export class LogCleaner {
  private readonly state = new WeakMap<PartitionLog, PartitionCleanerState>()
  private timer: NodeJS.Timeout | null = null
  private chain: Promise<unknown> = Promise.resolve()
  private stopping = false

  constructor (private readonly options: LogCleanerOptions) {}

  start (): void {
    if ((this.options.intervalMs ?? DEFAULT_CLEANER_INTERVAL_MS) > 0) this.schedule()
  }

  private schedule (): void {
    if (this.stopping) return
    this.timer = setTimeout(() => {
      this.timer = null
      // pass() reports each partition's failure through onError; nothing else rejects
      this.runOnce().catch((err: unknown) => { process.emitWarning(`log cleaner pass failed: ${String(err)}`) }).finally(() => this.schedule())
    }, this.options.intervalMs ?? DEFAULT_CLEANER_INTERVAL_MS)
    this.timer.unref()
  }

  /** Stops the timer and waits for a running pass (which stops between segment groups). */
  async stop (): Promise<void> {
    this.stopping = true
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    await this.chain // never rejects: runOnce() keeps only the settled chain
  }

  /** One pass over every compacted partition; passes run one after another. */
  runOnce (options: CleanerRunOptions = {}): Promise<CleanerStats> {
    const run = this.chain.then(() => this.pass(options))
    // the caller of runOnce() gets the error through `run`; the chain goes on
    this.chain = run.catch(() => undefined)
    return run
  }

  private async pass (options: CleanerRunOptions): Promise<CleanerStats> {
    const stats: CleanerStats = { partitionsCleaned: 0, segmentsRewritten: 0, recordsRemoved: 0, bytesBefore: 0, bytesAfter: 0, errors: 0 }
    for (const target of this.options.targets()) {
      if (this.stopping) break
      if (options.topic !== undefined && target.log.topic !== options.topic) continue
      if (!target.config().compact) continue
      const state = this.stateOf(target.log)
      if (state.disabled) continue
      try {
        if (state.checkpoint === undefined) state.checkpoint = await this.readCheckpoint(target.dir)
        const r = await cleanPartition(target, {
          fs: this.options.fs,
          now: this.options.now(),
          force: options.force === true,
          checkpoint: state.checkpoint,
          maxKeys: this.options.maxKeys ?? DEFAULT_CLEANER_MAX_KEYS,
          shouldStop: () => this.stopping,
        })
        if (r === null) continue
        if (r.checkpoint !== state.checkpoint) {
          await this.options.fs.writeFileAtomic(join(target.dir, CLEANER_CHECKPOINT_FILE), String(r.checkpoint))
          state.checkpoint = r.checkpoint
        }
        stats.partitionsCleaned++
        stats.segmentsRewritten += r.segmentsRewritten
        stats.recordsRemoved += r.recordsRemoved
        stats.bytesBefore += r.bytesBefore
        stats.bytesAfter += r.bytesAfter
      } catch (err) {
        stats.errors++
        if (err instanceof SwapIncompleteError) state.disabled = true
        this.options.onError?.(err, target)
      }
    }
    return stats
  }

  private stateOf (log: PartitionLog): PartitionCleanerState {
    let s = this.state.get(log)
    if (s === undefined) { s = { checkpoint: undefined, disabled: false }; this.state.set(log, s) }
    return s
  }

  private async readCheckpoint (dir: string): Promise<number> {
    const raw = await this.options.fs.readFile(join(dir, CLEANER_CHECKPOINT_FILE))
    const n = raw === null ? 0 : Number(raw.toString('utf8').trim())
    return Number.isFinite(n) && n >= 0 ? n : 0
  }
}
