/**
 * Tributary's log engine: topics -> partitions -> segments on local disk.
 * It knows record batches (v2), not Kafka APIs; the broker and the bus sit on top.
 *
 * ```ts
 * import { LogManager, TributaryError, isTributaryError } from '../log/index.js'
 *
 * const logs = await LogManager.open('/var/lib/tributary', {
 *   // topic config defaults, Kafka names (see ./config.ts TOPIC_CONFIG_DEFAULTS)
 *   defaults: { 'retention.ms': '604800000', 'segment.bytes': '1073741824' },
 *   fsyncOnAcksAll: true,          // default: acks=all waits for an (group-committed) fsync
 *   flushIntervalMs?: 1000,        // log.flush.interval.ms: broker default of flush.ms (a timer fsyncs
 *                                  // a dirty partition at most this long after its first unflushed write);
 *                                  // with fsyncOnAcksAll false acks=all answers once written to the OS
 *   flushIntervalMessages?: 10000, // log.flush.interval.messages: broker default of flush.messages
 *   logCleanerIntervalMs?: 15000,  // pause between cleaner passes; <= 0: only logs.cleanLogs()
 *   onCleanerError?: (err, topic, partition) => {},
 * })
 * await logs.createTopic('orders', 3, { 'cleanup.policy': 'delete' }, { validateOnly?, topicId? })   // -> TopicInfo
 * logs.topic('orders')            // TopicInfo | undefined: { name, topicId (UUID string), partitions, configs (overrides) }
 * logs.topics()                   // TopicInfo[]
 * const p = logs.partition('orders', 0)   // PartitionLog | undefined
 * logs.requirePartition('orders', 9)      // throws UNKNOWN_TOPIC_OR_PARTITION
 * logs.wasCleanShutdown           // previous run ended with close()
 *   // logger?: { warn(fields, message) } in the options: failures of background work (scheduled fsyncs,
 *   // index checkpoints, producer snapshots, closes) are logged with their topic and partition
 *
 * Offsets and timestamps are JS numbers (exact below 2^53), not bigint.
 *
 * // Produce: `payload` is the produce request's records field (one or more batches).
 * // Offsets are assigned by rewriting each batch's baseOffset in place (no copy).
 * const r = await p.append(payload, { durability: 'acksAll' })
 * //   r = { baseOffset, lastOffset, logAppendTime (-1 unless LogAppendTime), logStartOffset, recordCount }
 * //   durability: 'written' (default; once on the OS, Kafka acks=0/1), 'acksAll' (per the flush
 * //   policy: fsynced with group commit unless fsyncOnAcksAll is false), 'fsynced' (always fsynced)
 * await p.flushed(r.lastOffset)   // strictly: everything <= offset is fsynced
 *
 * // Fetch: whole batches starting with the one containing fetchOffset, as Buffers to send.
 * const f = await p.read(fetchOffset, maxBytes, { isolation: 'read_committed' })
 * //   f = { chunks: Buffer[], bytes, highWatermark, lastStableOffset, logStartOffset, abortedTransactions: [] }
 * //   throws TributaryError code TRIB_ERR_OFFSET_OUT_OF_RANGE (kafkaCode 1) if fetchOffset < logStartOffset or > HW
 * await p.waitForData(offset, signal)   // long poll: resolves when highWatermark > offset (or signal aborts)
 *
 * await p.offsetForTimestamp(ts)  // { offset, timestamp } | null (null: no record with timestamp >= ts,
 *                                 // Kafka answers offset -1); ts -1 latest, -2 earliest, -3 max timestamp
 * await p.deleteRecordsBefore(offset)   // -> new logStartOffset (persisted)
 * p.highWatermark; p.logEndOffset; p.logStartOffset; p.lastStableOffset; p.sizeInBytes
 *
 * await logs.deleteTopic('orders')
 * await logs.createPartitions('orders', 6)       // new total count
 * logs.describeConfigs('orders')                  // ConfigEntry[]: { name, value, source, isDefault, readOnly, sensitive, type }
 * await logs.alterConfigs('orders', { 'retention.ms': '1000', 'segment.ms': null }, { incremental: true })
 *                                                 // null reverts to default; non-incremental replaces all overrides
 * await logs.enforceRetention(Date.now())         // the broker calls this on a timer
 * await logs.cleanLogs({ force?, topic? })        // one compaction pass now (the cleaner also runs on its timer)
 *   // -> { partitionsCleaned, segmentsRewritten, recordsRemoved, bytesBefore, bytesAfter, errors }
 * await logs.close()              // flush + fsync everything, write the clean-shutdown marker, which
 *                                 // records every partition's offsets, size and producer state: the next
 *                                 // open serves those at once and opens a partition's files at its first
 *                                 // read or write (compacted topics open at once, for the cleaner)
 * ```
 *
 * Errors: every error thrown is a `TributaryError` with a stable `code` (`TRIB_ERR_...`)
 * and the Kafka error code the broker should answer (`kafkaCode`), e.g.
 * CORRUPT_MESSAGE (2), MESSAGE_TOO_LARGE (10), RECORD_LIST_TOO_LARGE (18),
 * UNSUPPORTED_FOR_MESSAGE_FORMAT (43), INVALID_RECORD (87), OFFSET_OUT_OF_RANGE (1),
 * UNKNOWN_TOPIC_OR_PARTITION (3), TOPIC_ALREADY_EXISTS (36), INVALID_TOPIC_EXCEPTION (17),
 * INVALID_PARTITIONS (37), INVALID_CONFIG (40).
 *
 * Compaction (cleanup.policy=compact or compact,delete; cleaner*.ts): whole segments below the
 * active one, the last stable offset and min.compaction.lag.ms are cleanable; a pass runs when the
 * dirty share (bytes after the checkpoint) reaches min.cleanable.dirty.ratio, or max.compaction.lag.ms
 * is overdue. The latest record per key stays at its offset; batches keep baseOffset, lastOffsetDelta,
 * producer fields and codec (records re-compressed, CRC recomputed); control batches and undecided
 * transactions are kept, aborted transactional records dropped; an idempotent producer's last batch
 * stays (empty if need be). Tombstones go once older (record timestamp) than delete.retention.ms.
 * Keyless records are kept. Cleaned segments are written as `<base>-<end>.cleaned`, committed by a
 * rename to `.swap`, and on open a `.swap` is finished and a `.cleaned` deleted. The checkpoint is the
 * partition's `cleaner-offset-checkpoint` file.
 *
 * Hooks for later features (idempotence, transactions, compaction) without a rewrite:
 * `logs.setAppendValidator(fn)` — fn(topic, partition, headers: BatchHeader[]) runs on every
 * append after CRC/size checks and before offsets are assigned; it may throw a TributaryError
 * (e.g. OUT_OF_ORDER_SEQUENCE_NUMBER) or return nothing.
 *
 * Durability: the files hold batches exactly as produced (baseOffset assigned, partitionLeaderEpoch 0).
 * On open after a clean shutdown the indexes are trusted and the logs are not re-read; after a
 * crash each segment is re-scanned from the last point its index covers, every batch's CRC and
 * length is checked and a torn or corrupt tail is cut off.
 */
export { LogManager, validateTopicName } from './log-manager.js'
export type { LogManagerOptions, TopicInfo, ConfigEntry } from './log-manager.js'
export type { CleanerStats, CleanerRunOptions } from './cleaner.js'
export { PartitionLog } from './partition-log.js'
export type { AppendOptions, AppendResult, AppendValidator, ReadOptions, ReadResult, TimestampLookup } from './partition-log.js'
export { TributaryError, isTributaryError, TributaryErrorCode } from '../errors.js'
export { TOPIC_CONFIG_DEFAULTS, TOPIC_CONFIG_DEFS, ConfigType, validateTopicConfigs } from './config.js'
export type { TopicConfigs } from './config.js'
export { realFs, FaultyFs } from './fs.js'
export type { DiskSpace, FileSystem, FileHandle } from './fs.js'
