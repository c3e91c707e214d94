// Per-action permissions of bus access keys, IAM-style. A configured key may
// carry `allow: [{ actions: ["events:PutEvents", "events:List*"], resources?:
// ["arn:aws:events:*:*:event-bus/orders", "rule/orders/*"] }]`: a call is
// served when one statement names its action and every resource it touches
// (resources default to "*"). A key without `allow` may call every action, so
// configs written before this keep their meaning. Only allow statements: what
// no statement allows is refused, as IAM refuses without an explicit allow.
// A refusal is AWS's: 400 AccessDeniedException, "User: <arn> is not
// authorized to perform: events:<Action> on resource: <arn> because no
// identity-based policy allows the events:<Action> action".
//
// The resource of an action is the one AWS's service authorization reference
// names (event bus, rule, archive, replay, connection, API destination), built
// from the request's own fields; list actions and TestEventPattern touch no
// particular resource and are "*" (as in IAM, only a statement whose resources
// include "*" allows them), except ListRules, which is scoped to its bus.
// A resource pattern without "arn:" is short for "arn:aws:events:*:*:<pattern>".
import type { BusCredential, BusPermission } from '../../config.js'
import { ArnFactory, busNameFromParam } from '../arn.js'
import { BusApiError } from '../errors.js'
import { actionsNamedBy, wildcardRegExp } from './action-names.js'

export const ACCESS_DENIED = 'AccessDeniedException'

interface CompiledStatement { actions: Set<string>, resources: RegExp[] }

type Input = Record<string, unknown>
const str = (value: unknown): string => typeof value === 'string' ? value : ''

/** The resources a call touches, by action; absent: "*" (no particular resource). */
const RESOURCES: Record<string, (input: Input, arns: ArnFactory) => string[]> = {
  PutEvents: (input, arns) => {
    const entries = Array.isArray(input.Entries) ? input.Entries as unknown[] : []
    const buses = new Set(entries.map(e => busNameFromParam(str((e as Input | null)?.EventBusName) || undefined)))
    if (buses.size === 0) buses.add('default')
    return [...buses].map(name => arns.bus(name))
  },
  CreateEventBus: (input, arns) => [arns.bus(str(input.Name))],
  DeleteEventBus: (input, arns) => [arns.bus(str(input.Name))],
  DescribeEventBus: (input, arns) => [arns.bus(busNameFromParam(str(input.Name) || undefined))],
  ListRules: (input, arns) => [arns.bus(onBus(input))],
  ...ruleActions(['PutRule', 'DescribeRule', 'EnableRule', 'DisableRule', 'DeleteRule'], 'Name'),
  ...ruleActions(['PutTargets', 'RemoveTargets', 'ListTargetsByRule'], 'Rule'),
  ...named(['CreateArchive', 'DescribeArchive', 'UpdateArchive', 'DeleteArchive'], 'ArchiveName', (arns, name) => arns.archive(name)),
  ...named(['StartReplay', 'DescribeReplay', 'CancelReplay'], 'ReplayName', (arns, name) => arns.replay(name)),
  ...named(['CreateConnection', 'DescribeConnection', 'UpdateConnection', 'DeleteConnection', 'DeauthorizeConnection'], 'Name', (arns, name) => arnOf(arns, `connection/${name}`)),
  ...named(['CreateApiDestination', 'DescribeApiDestination', 'UpdateApiDestination', 'DeleteApiDestination'], 'Name', (arns, name) => arnOf(arns, `api-destination/${name}`)),
  ...named(['TagResource', 'UntagResource', 'ListTagsForResource'], 'ResourceARN', (_arns, arn) => arn)
}

function onBus (input: Input): string {
  return busNameFromParam(str(input.EventBusName) || undefined)
}

function arnOf (arns: ArnFactory, resource: string): string {
  return `arn:aws:events:${arns.region}:${arns.accountId}:${resource}`
}

function ruleActions (names: string[], field: string): Record<string, (input: Input, arns: ArnFactory) => string[]> {
  return Object.fromEntries(names.map(name => [name, (input: Input, arns: ArnFactory) => [arns.rule(onBus(input), str(input[field]))]]))
}

function named (names: string[], field: string, arn: (arns: ArnFactory, value: string) => string): Record<string, (input: Input, arns: ArnFactory) => string[]> {
  return Object.fromEntries(names.map(name => [name, (input: Input, arns: ArnFactory) => [arn(arns, str(input[field]))]]))
}

function compile (statement: BusPermission): CompiledStatement {
  return {
    actions: new Set(statement.actions.flatMap(actionsNamedBy)),
    resources: (statement.resources ?? ['*']).map(r => wildcardRegExp(r === '*' || r.startsWith('arn:') ? r : `arn:aws:events:*:*:${r}`, false))
  }
}

export class BusPermissions {
  /** By access key id; a key that is absent may call everything. */
  private readonly policies = new Map<string, CompiledStatement[]>()

  constructor (credentials: readonly BusCredential[], private readonly arns: ArnFactory) {
    for (const c of credentials) if (c.allow !== undefined) this.policies.set(c.accessKeyId, c.allow.map(compile))
  }

  /** Whether any key is restricted (the start log says so). */
  get restricted (): string[] { return [...this.policies.keys()] }

  /** Throws AccessDeniedException unless `accessKeyId` may call `action` on everything `input` touches. */
  authorize (accessKeyId: string, action: string, input: Input): void {
    const statements = this.policies.get(accessKeyId)
    if (statements === undefined) return
    const resources = RESOURCES[action]?.(input, this.arns) ?? ['*']
    for (const resource of resources) {
      const allowed = statements.some(s => s.actions.has(action) && s.resources.some(re => re.test(resource)))
      if (!allowed) {
        const user = `arn:aws:iam::${this.arns.accountId}:user/${accessKeyId}`
        throw new BusApiError(ACCESS_DENIED, `User: ${user} is not authorized to perform: events:${action} on resource: ${resource} because no identity-based policy allows the events:${action} action`, 400)
      }
    }
  }
}
