// One member of a classic group: what it joined with, what the leader assigned
// it, and the answers it is waiting for. A JoinGroup or SyncGroup that cannot be
// answered yet parks its resolver here until the rebalance moves on.
import type { TimerHandle } from './clock.js'

export interface MemberProtocol {
  name: string
  metadata: Buffer
}

export interface JoinResult {
  errorCode: number
  generationId: number
  protocolType: string | null
  protocolName: string | null
  leaderId: string
  memberId: string
  /** Every member's metadata for the chosen protocol: the leader's answer only. */
  members: Array<{ memberId: string, groupInstanceId: string | null, metadata: Buffer }>
  skipAssignment: boolean
}

export interface SyncResult {
  errorCode: number
  protocolType: string | null
  protocolName: string | null
  assignment: Buffer
}

export const EMPTY_BYTES: Buffer = Buffer.alloc(0)

export function joinError (memberId: string, errorCode: number): JoinResult {
  return { errorCode, generationId: -1, protocolType: null, protocolName: null, leaderId: '', memberId, members: [], skipAssignment: false }
}

export function syncError (errorCode: number): SyncResult {
  return { errorCode, protocolType: null, protocolName: null, assignment: EMPTY_BYTES }
}

export class Member {
  assignment: Buffer = EMPTY_BYTES
  /** Resolves this member's parked JoinGroup; set while it awaits the join phase. */
  joinWaiter: ((result: JoinResult) => void) | null = null
  /** Resolves this member's parked SyncGroup; set while it awaits the leader's assignment. */
  syncWaiter: ((result: SyncResult) => void) | null = null
  /** Joined in the current rebalance and has not yet been answered (Kafka's isNew). */
  isNew = false
  heartbeatTimer: TimerHandle | null = null

  constructor (
    public memberId: string,
    readonly groupInstanceId: string | null,
    public clientId: string,
    public clientHost: string,
    public rebalanceTimeoutMs: number,
    public sessionTimeoutMs: number,
    readonly protocolType: string,
    public protocols: MemberProtocol[]
  ) {}

  get isAwaitingJoin (): boolean { return this.joinWaiter !== null }
  get isAwaitingSync (): boolean { return this.syncWaiter !== null }

  metadataFor (protocolName: string): Buffer {
    for (const p of this.protocols) if (p.name === protocolName) return p.metadata
    return EMPTY_BYTES
  }

  /** Same protocols, in the same order, with the same metadata (Kafka's MemberMetadata.matches). */
  matches (protocols: MemberProtocol[]): boolean {
    if (protocols.length !== this.protocols.length) return false
    return protocols.every((p, i) => {
      const mine = this.protocols[i]
      return mine !== undefined && p.name === mine.name && p.metadata.equals(mine.metadata)
    })
  }

  /** The first of this member's protocols that every member supports. */
  vote (candidates: Set<string>): string | undefined {
    for (const p of this.protocols) if (candidates.has(p.name)) return p.name
    return undefined
  }

  answerJoin (result: JoinResult): void {
    const waiter = this.joinWaiter
    this.joinWaiter = null
    waiter?.(result)
  }

  answerSync (result: SyncResult): void {
    const waiter = this.syncWaiter
    this.syncWaiter = null
    waiter?.(result)
  }
}
