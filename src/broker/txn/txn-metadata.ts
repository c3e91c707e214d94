// What the transaction coordinator knows of one transactional id, as Kafka's
// TransactionMetadata: the producer id and epoch it hands out, the state of the
// current transaction, its partitions and consumer groups, and the offsets
// staged by TxnOffsetCommit until the transaction commits. Plain data: it is
// journaled as JSON (offsets as decimal strings).

export const TxnState = {
  Empty: 'Empty',
  Ongoing: 'Ongoing',
  PrepareCommit: 'PrepareCommit',
  PrepareAbort: 'PrepareAbort',
  CompleteCommit: 'CompleteCommit',
  CompleteAbort: 'CompleteAbort',
  Dead: 'Dead',
  PrepareEpochFence: 'PrepareEpochFence',
} as const
export type TxnStateName = typeof TxnState[keyof typeof TxnState]

export const ALL_TXN_STATES: readonly string[] = Object.values(TxnState)

export interface StagedOffset {
  groupId: string
  topic: string
  partition: number
  /** Decimal string: JSON has no int64. */
  offset: string
  leaderEpoch: number
  metadata: string
}

export interface TxnMetadata {
  transactionalId: string
  producerId: number
  producerEpoch: number
  /** The id and epoch before the last bump, so a producer that timed out on InitProducerId can retry (KIP-360). */
  lastProducerId: number
  lastProducerEpoch: number
  timeoutMs: number
  state: TxnStateName
  /** "topic:partition" keys of the current transaction. */
  partitions: string[]
  groups: string[]
  offsets: StagedOffset[]
  /** When the current transaction began (its first AddPartitions/AddOffsets); -1 if none. */
  startMs: number
  updateMs: number
}

/** Kafka bumps to a new producer id once the epoch reaches Short.MaxValue - 1. */
export const MAX_EPOCH = 32766

export function partitionKey (topic: string, partition: number): string {
  return `${topic}:${partition}`
}

export function parsePartitionKey (key: string): { topic: string, partition: number } {
  const i = key.lastIndexOf(':')
  return { topic: key.slice(0, i), partition: Number(key.slice(i + 1)) }
}

export function isCompleting (state: TxnStateName): boolean {
  return state === TxnState.PrepareCommit || state === TxnState.PrepareAbort || state === TxnState.PrepareEpochFence
}

/** States in which a new transaction may begin. */
export function canBegin (state: TxnStateName): boolean {
  return state === TxnState.Empty || state === TxnState.CompleteCommit || state === TxnState.CompleteAbort
}
