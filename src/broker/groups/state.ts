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
export type GroupStateName = typeof GroupState[keyof typeof GroupState]

const validPrevious: Record<GroupStateName, readonly GroupStateName[]> = {
  Empty: [GroupState.PreparingRebalance],
  PreparingRebalance: [GroupState.Stable, GroupState.CompletingRebalance, GroupState.Empty],
  CompletingRebalance: [GroupState.PreparingRebalance],
  Stable: [GroupState.CompletingRebalance],
  Dead: [GroupState.Stable, GroupState.PreparingRebalance, GroupState.CompletingRebalance, GroupState.Empty, GroupState.Dead]
}

export function canTransition (from: GroupStateName, to: GroupStateName): boolean {
  return validPrevious[to].includes(from)
}

const byLowerCaseName = new Map<string, GroupStateName>(Object.values(GroupState).map(s => [s.toLowerCase(), s]))

/** ListGroups' states filter is matched case-insensitively, as Kafka parses it. */
export function parseGroupState (name: string): GroupStateName | undefined {
  return byLowerCaseName.get(name.toLowerCase())
}
