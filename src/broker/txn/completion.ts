// The second half of EndTxn: once the decision (PrepareCommit / PrepareAbort)
// is in the coordinator's log, a marker goes to every partition of the
// transaction and, on commit, the staged offsets go to their groups. Every step
// is idempotent (a second marker for a finished transaction changes nothing in
// the partition's producer state; offsets are set, not added), so after a crash
// the whole step is simply run again from the logged decision.
import type { StagedOffset, TxnMetadata } from './txn-metadata.js'
import { parsePartitionKey } from './txn-metadata.js'
import { TributaryError, TributaryErrorCode } from '../../errors.js'

/** What completion needs of the log engine (src/log PartitionLog). */
export interface MarkerPartition {
  appendTxnMarker: (producerId: number, producerEpoch: number, commit: boolean, coordinatorEpoch?: number) => Promise<{ lastOffset: number }>
  flushed: (offset: number) => Promise<void>
}
export interface MarkerLog { partition: (topic: string, partition: number) => MarkerPartition | undefined }

/** What completion needs of the group coordinator (src/broker/groups). */
export interface TxnOffsetSink {
  applyTxnOffsets: (groupId: string, offsets: Array<{ topic: string, partition: number, offset: bigint, leaderEpoch: number, metadata: string }>) => Promise<void>
}

/** Writes the commit or abort marker to every partition and waits until each is fsynced. */
export async function writeMarkers (log: MarkerLog, meta: TxnMetadata, commit: boolean): Promise<void> {
  await Promise.all(meta.partitions.map(async key => {
    const { topic, partition } = parsePartitionKey(key)
    // a partition deleted since it joined the transaction has nothing left to mark
    const p = log.partition(topic, partition)
    if (p === undefined) return
    const written = await p.appendTxnMarker(meta.producerId, meta.producerEpoch, commit, 0)
    await p.flushed(written.lastOffset)
  }))
}

/** Hands a committed transaction's offsets to their groups. */
export async function applyOffsets (groups: TxnOffsetSink | null, offsets: StagedOffset[]): Promise<void> {
  if (offsets.length === 0) return
  if (groups === null) throw new TributaryError(TributaryErrorCode.TXN_NO_GROUPS, 'the group coordinator is not running')
  const byGroup = new Map<string, StagedOffset[]>()
  for (const o of offsets) {
    const list = byGroup.get(o.groupId)
    if (list === undefined) byGroup.set(o.groupId, [o]); else list.push(o)
  }
  for (const [groupId, list] of byGroup) {
    await groups.applyTxnOffsets(groupId, list.map(o => ({
      topic: o.topic, partition: o.partition, offset: BigInt(o.offset), leaderEpoch: o.leaderEpoch, metadata: o.metadata,
    })))
  }
}
