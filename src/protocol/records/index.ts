// Record batch v2: header parsing and CRC, splitting produce payloads, records,
// compression codecs, building batches, and the in-place edits the log makes.
// Sans-io: no file system, no network.
export * from './batch-header.js'
export { splitBatches, peekBatchSize } from './split.js'
export type { BatchSpan, SplitOptions } from './split.js'
export { setBaseOffset, setPartitionLeaderEpoch, setLogAppendTime } from './rewrite.js'
export { decodeRecords, encodeRecords } from './record.js'
export type { DecodedRecord, RecordInput, RecordHeader, DecodeRecordsContext } from './record.js'
export { encodeBatch, decodeBatch } from './batch-codec.js'
export type { EncodeBatchOptions, DecodedBatch } from './batch-codec.js'
export { compress, decompress, DEFAULT_MAX_DECOMPRESSED_BYTES, CompressionName } from './compression.js'
export { isMergeableBatch, mergeBatches, recordCountOf } from './merge.js'
