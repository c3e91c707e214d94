// The types of one partition log's interface: what an append takes and answers,
// what a read returns, and what the log manager hands each partition.
import type { BatchHeader } from '../protocol/records/batch-header.js'
import type { ResolvedTopicConfig } from './config.js'
import type { FileSystem } from './fs.js'
import type { TailCacheBudget } from './tail-cache.js'

/**
 * When an append's promise resolves. 'written': the bytes reached the OS (Kafka
 * acks=0/1). 'acksAll': what an acks=all producer waits for under the broker's
 * flush policy (fsynced, group-committed, unless fsyncOnAcksAll is off).
 * 'fsynced': fsynced whatever the policy (the bus, transaction markers).
 */
export type Durability = 'written' | 'acksAll' | 'fsynced'

export interface AppendOptions {
  /** Default 'written'. */
  durability?: Durability
  /** 'coordinator' may write control batches (transaction markers); clients may not. */
  origin?: 'client' | 'coordinator'
}

export interface AppendResult {
  baseOffset: number
  lastOffset: number
  /** The time stamped on the batches if the topic uses LogAppendTime, else -1. */
  logAppendTime: number
  logStartOffset: number
  recordCount: number
}

export interface ReadOptions {
  isolation?: 'read_uncommitted' | 'read_committed'
  /** Return the first batch even if larger than maxBytes (Kafka's rule). Default true. */
  minOneBatch?: boolean
  /** Gives the buffers file bytes are read into (a pool the caller recycles); default: fresh ones. */
  allocate?: (size: number) => Buffer
  /**
   * Pin what is read from the tail cache until the result's release() is called, so the cache may reuse those
   * buffers afterwards. Without it, cached buffers handed out are never reused.
   */
  pin?: boolean
}

export interface ReadResult {
  /** Whole batches, ready to send as they are. */
  chunks: Buffer[]
  bytes: number
  highWatermark: number
  lastStableOffset: number
  logStartOffset: number
  abortedTransactions: Array<{ producerId: number, firstOffset: number }>
  /** On a pinned read answered from the tail cache: call once the chunks are no longer used. */
  release?: () => void
}

/** Called with the parsed headers of every append before offsets are assigned; may throw a TributaryError. */
export type AppendValidator = (topic: string, partition: number, headers: BatchHeader[]) => void

export interface PartitionContext {
  fs: FileSystem
  topic: string
  partition: number
  dir: string
  config: () => ResolvedTopicConfig
  fsyncOnAcksAll: boolean
  now: () => number
  validator: () => AppendValidator | undefined
  /** producer.id.expiration.ms: idle producers are forgotten after this long (default 1 day). */
  producerIdExpirationMs?: number
  /** Most bytes one produced compressed batch may inflate to while its records are checked. */
  maxDecompressedBatchBytes?: number
  /** Opened at start after a clean shutdown: every byte on disk was fsynced by the close. */
  cleanShutdown?: boolean
  /** Recovery leaves its fsync to one syncfs of the whole file system that the start runs after opening every partition. */
  syncedByStart?: boolean
  /** Told of failures in background work (fsyncs, checkpoints, snapshots, closes) that no caller awaits. */
  onBackgroundError?: (what: string, err: unknown) => void
  /** Where recently written batches are kept for fetches at the tail; none: every read goes to the files. */
  tailCache?: TailCacheBudget
  /**
   * Called (and awaited) before the log start moves (DeleteRecords, retention): the
   * recovery checkpoint must stop vouching for this partition before its files change.
   */
  beforeLogStartChange?: () => Promise<void>
}

/**
 * What a clean close (or a recovery checkpoint) records about a partition, so that
 * the next start can serve its offsets without opening its files (they open at its
 * first read or write). Every byte these facts describe was fsynced when they were taken.
 */
export interface PartitionFacts {
  logStartOffset: number
  logEndOffset: number
  sizeInBytes: number
  segmentCount: number
  /** The producer state snapshot at logEndOffset (encodeProducerSnapshot); null when there is none to keep. */
  producers: string | null
  /**
   * The last segment's base offset and size in bytes: after a crash, the start
   * compares them with the file to see whether anything was written since (see
   * recovery-checkpoint.ts). Absent in markers of older versions.
   */
  activeBaseOffset?: number
  activeSize?: number
}
