// Kafka's classic group state machine (GroupMetadata.scala), with the states
// named as DescribeGroups and ListGroups report them.
//
//   Empty ──join──▶ PreparingRebalance ──all joined / timeout──▶ CompletingRebalance
//     ▲                  ▲      │                                     │ leader's SyncGroup
//     └── no members ────┘      └────────◀── join/leave/expiry ◀── Stable ◀┘
//   any state ──delete / offsets expired──▶ Dead
export const GroupState = {
  Empty: 'Empty',
  PreparingRebalance: 'PreparingRebalance',
  CompletingRebalance: 'CompletingRebalance',
  Stable: 'Stable',
  Dead: 'Dead'
} as const
export type GroupState = typeof GroupState[keyof typeof GroupState]

const validPrevious: Record<GroupState, readonly GroupState[]> = {
  Empty: [GroupState.PreparingRebalance],
  PreparingRebalance: [GroupState.Stable, GroupState.CompletingRebalance, GroupState.Empty],
  CompletingRebalance: [GroupState.PreparingRebalance],
  Stable: [GroupState.CompletingRebalance],
  Dead: [GroupState.Stable, GroupState.PreparingRebalance, GroupState.CompletingRebalance, GroupState.Empty, GroupState.Dead]
}

export function canTransition (from: GroupState, to: GroupState): boolean {
  return validPrevious[to].includes(from)
}

const byLowerCaseName = new Map<string, GroupState>(Object.values(GroupState).map(s => [s.toLowerCase(), s]))

/** ListGroups' states filter is matched case-insensitively, as Kafka parses it. */
export function parseGroupState (name: string): GroupState | undefined {
  return byLowerCaseName.get(name.toLowerCase())
}
