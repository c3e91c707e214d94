// The names of the bus API's actions (after `AWSEvents.` / `events:`), kept
// apart from their handlers so configuration checks can name them without
// loading the bus. test/bus/api/permissions.test.ts checks it lists exactly
// the actions ./actions.ts serves.
export const BUS_ACTION_NAMES = [
  'PutEvents', 'CreateEventBus', 'DeleteEventBus', 'DescribeEventBus', 'ListEventBuses',
  'PutRule', 'DescribeRule', 'ListRules', 'EnableRule', 'DisableRule', 'DeleteRule', 'ListRuleNamesByTarget',
  'PutTargets', 'RemoveTargets', 'ListTargetsByRule', 'TestEventPattern',
  'CreateArchive', 'DescribeArchive', 'UpdateArchive', 'DeleteArchive', 'ListArchives',
  'StartReplay', 'DescribeReplay', 'ListReplays', 'CancelReplay',
  'CreateConnection', 'DescribeConnection', 'UpdateConnection', 'DeleteConnection', 'ListConnections', 'DeauthorizeConnection',
  'CreateApiDestination', 'DescribeApiDestination', 'UpdateApiDestination', 'DeleteApiDestination', 'ListApiDestinations',
  'TagResource', 'UntagResource', 'ListTagsForResource'
] as const

/**
 * IAM's wildcards: `*` any run of characters, `?` one character. Actions
 * match without regard to case (as IAM matches them), resources exactly.
 */
export function wildcardRegExp (pattern: string, ignoreCase: boolean): RegExp {
  const body = pattern.split('').map(c => c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')).join('')
  return new RegExp(`^${body}$`, ignoreCase ? 'is' : 's')
}

/** The bus actions an `events:...` pattern names (none for a pattern that names no action: a typo). */
export function actionsNamedBy (pattern: string): string[] {
  if (!pattern.toLowerCase().startsWith('events:')) return []
  const re = wildcardRegExp(pattern.slice('events:'.length), true)
  return BUS_ACTION_NAMES.filter(name => re.test(name))
}
