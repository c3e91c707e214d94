// In-place edits a log makes to a batch it accepts. baseOffset and
// partitionLeaderEpoch sit before the CRC'd range, so changing them leaves the CRC
// valid; LogAppendTime changes attributes and maxTimestamp, so the CRC is recomputed.
import { AttributeBits, BatchOffsets, computeBatchCrc, writeInt64 } from './batch-header.js'

export function setBaseOffset (buf: Buffer, position: number, baseOffset: number): void {
  writeInt64(buf, baseOffset, position + BatchOffsets.baseOffset)
}

export function setPartitionLeaderEpoch (buf: Buffer, position: number, epoch: number): void {
  buf.writeInt32BE(epoch, position + BatchOffsets.partitionLeaderEpoch)
}

/** Marks the batch as LogAppendTime with the given time and fixes its CRC. */
export function setLogAppendTime (buf: Buffer, position: number, size: number, timestamp: number): void {
  const attributes = buf.readInt16BE(position + BatchOffsets.attributes)
  buf.writeInt16BE(attributes | AttributeBits.logAppendTime, position + BatchOffsets.attributes)
  writeInt64(buf, timestamp, position + BatchOffsets.maxTimestamp)
  buf.writeUInt32BE(computeBatchCrc(buf, position, size), position + BatchOffsets.crc)
}
