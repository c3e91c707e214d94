// ACL bindings as Kafka defines them (org.apache.kafka.common.acl): a resource
// pattern (type, name, literal or prefixed) and an entry (principal, host,
// operation, allow or deny). The numeric codes are the ones CreateAcls,
// DescribeAcls and DeleteAcls carry on the wire; the config file names them
// in words ('topic', 'prefixed', 'describe-configs', 'deny').
import { AclOperation } from '../authorized-operations.js'
import { TributaryError, TributaryErrorCode } from '../../errors.js'

export { AclOperation }

/** org.apache.kafka.common.resource.ResourceType */
export const ResourceType = { UNKNOWN: 0, ANY: 1, TOPIC: 2, GROUP: 3, CLUSTER: 4, TRANSACTIONAL_ID: 5, DELEGATION_TOKEN: 6, USER: 7 } as const
/** org.apache.kafka.common.resource.PatternType */
export const PatternType = { UNKNOWN: 0, ANY: 1, MATCH: 2, LITERAL: 3, PREFIXED: 4 } as const
/** org.apache.kafka.common.acl.AclPermissionType */
export const Permission = { UNKNOWN: 0, ANY: 1, DENY: 2, ALLOW: 3 } as const

/** The one name the cluster resource has. */
export const CLUSTER_NAME = 'kafka-cluster'
/** A literal resource name or principal that matches every one. */
export const WILDCARD = '*'
/** The principal of a client that has not authenticated. */
export const ANONYMOUS = 'User:ANONYMOUS'

export interface AclBinding {
  resourceType: number
  resourceName: string
  patternType: number
  principal: string
  host: string
  operation: number
  permission: number
}

/** A DescribeAcls / DeleteAcls filter: null strings and ANY codes match everything. */
export interface AclFilter {
  resourceType: number
  resourceName: string | null
  patternType: number
  principal: string | null
  host: string | null
  operation: number
  permission: number
}

const RESOURCE_NAMES: Record<string, number> = { topic: ResourceType.TOPIC, group: ResourceType.GROUP, cluster: ResourceType.CLUSTER, 'transactional-id': ResourceType.TRANSACTIONAL_ID, transactionalid: ResourceType.TRANSACTIONAL_ID }
const PATTERN_NAMES: Record<string, number> = { literal: PatternType.LITERAL, prefixed: PatternType.PREFIXED }
const PERMISSION_NAMES: Record<string, number> = { allow: Permission.ALLOW, deny: Permission.DENY }
const OPERATION_NAMES: Record<string, number> = {
  all: AclOperation.ALL,
  read: AclOperation.READ,
  write: AclOperation.WRITE,
  create: AclOperation.CREATE,
  delete: AclOperation.DELETE,
  alter: AclOperation.ALTER,
  describe: AclOperation.DESCRIBE,
  'cluster-action': AclOperation.CLUSTER_ACTION,
  'describe-configs': AclOperation.DESCRIBE_CONFIGS,
  'alter-configs': AclOperation.ALTER_CONFIGS,
  'idempotent-write': AclOperation.IDEMPOTENT_WRITE
}

/** The operations a resource type takes ACLs for (Kafka's AclEntry.supportedOperations), besides ALL. */
const SUPPORTED: Record<number, readonly number[]> = {
  [ResourceType.TOPIC]: [AclOperation.READ, AclOperation.WRITE, AclOperation.CREATE, AclOperation.DESCRIBE, AclOperation.DELETE, AclOperation.ALTER, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS],
  [ResourceType.GROUP]: [AclOperation.READ, AclOperation.DESCRIBE, AclOperation.DELETE],
  [ResourceType.CLUSTER]: [AclOperation.CREATE, AclOperation.CLUSTER_ACTION, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS, AclOperation.IDEMPOTENT_WRITE, AclOperation.ALTER, AclOperation.DESCRIBE],
  [ResourceType.TRANSACTIONAL_ID]: [AclOperation.DESCRIBE, AclOperation.WRITE]
}

function invalid (message: string): TributaryError {
  return new TributaryError(TributaryErrorCode.INVALID_ACL, message)
}

function named (table: Record<string, number>, value: unknown, what: string, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback
  const code = typeof value === 'string' ? table[value.toLowerCase().replace(/_/g, '-')] : undefined
  if (code === undefined) throw invalid(`${what} must be one of ${Object.keys(table).join(', ')}; got ${JSON.stringify(value)}`)
  return code
}

/** Why a binding cannot be stored (Kafka's CreateAcls checks), or null when it can. */
export function bindingProblem (b: AclBinding): string | null {
  const supported = SUPPORTED[b.resourceType]
  if (supported === undefined) return `resource type ${b.resourceType} takes no ACLs (topic, group, cluster or transactional id)`
  if (b.patternType !== PatternType.LITERAL && b.patternType !== PatternType.PREFIXED) return `pattern type ${b.patternType} is not literal or prefixed`
  if (b.resourceName === '') return 'the resource name is empty'
  if (b.resourceType === ResourceType.CLUSTER && (b.resourceName !== CLUSTER_NAME || b.patternType !== PatternType.LITERAL)) return `the cluster resource is the literal name ${CLUSTER_NAME}`
  if (!/^[^:]+:.+$/.test(b.principal)) return `principal ${JSON.stringify(b.principal)} is not of the form User:<name>`
  if (b.host === '') return 'the host is empty (use * for every host)'
  if (b.operation !== AclOperation.ALL && !supported.includes(b.operation)) return `operation ${b.operation} does not apply to resource type ${b.resourceType}`
  if (b.permission !== Permission.ALLOW && b.permission !== Permission.DENY) return `permission ${b.permission} is not allow or deny`
  return null
}

/**
 * One ACL as the config file writes it:
 * `{ "principal": "User:alice", "resourceType": "topic", "resourceName": "orders",
 *    "patternType": "prefixed", "operation": "read", "permission": "allow", "host": "*" }`
 * (patternType defaults to literal, permission to allow, host to *, a cluster's name to kafka-cluster).
 */
export function bindingFromConfig (entry: unknown, where: string): AclBinding {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) throw invalid(`${where} must be an object`)
  const e = entry as Record<string, unknown>
  const known = ['principal', 'host', 'operation', 'permission', 'resourceType', 'resourceName', 'patternType']
  for (const key of Object.keys(e)) if (!known.includes(key)) throw invalid(`${where} has an unknown key "${key}" (known: ${known.join(', ')})`)
  const resourceType = named(RESOURCE_NAMES, e.resourceType, `${where}.resourceType`)
  const resourceName = e.resourceName ?? (resourceType === ResourceType.CLUSTER ? CLUSTER_NAME : undefined)
  if (typeof resourceName !== 'string') throw invalid(`${where}.resourceName must be a string`)
  if (typeof e.principal !== 'string') throw invalid(`${where}.principal must be a string such as "User:alice" or "User:*"`)
  const host = e.host ?? WILDCARD
  if (typeof host !== 'string') throw invalid(`${where}.host must be a string (an IP address or *)`)
  const binding: AclBinding = {
    resourceType,
    resourceName,
    patternType: named(PATTERN_NAMES, e.patternType, `${where}.patternType`, PatternType.LITERAL),
    principal: e.principal,
    host,
    operation: named(OPERATION_NAMES, e.operation, `${where}.operation`),
    permission: named(PERMISSION_NAMES, e.permission, `${where}.permission`, Permission.ALLOW)
  }
  const problem = bindingProblem(binding)
  if (problem !== null) throw invalid(`${where}: ${problem}`)
  return binding
}

/** Whether `filter` selects `b` (DescribeAcls, DeleteAcls). MATCH selects every pattern that applies to the name. */
export function filterMatches (filter: AclFilter, b: AclBinding): boolean {
  if (filter.resourceType !== ResourceType.ANY && filter.resourceType !== b.resourceType) return false
  if (filter.principal !== null && filter.principal !== b.principal) return false
  if (filter.host !== null && filter.host !== b.host) return false
  if (filter.operation !== AclOperation.ANY && filter.operation !== b.operation) return false
  if (filter.permission !== Permission.ANY && filter.permission !== b.permission) return false
  if (filter.patternType === PatternType.MATCH) {
    if (filter.resourceName === null) return true
    if (b.patternType === PatternType.LITERAL) return b.resourceName === filter.resourceName || b.resourceName === WILDCARD
    return filter.resourceName.startsWith(b.resourceName)
  }
  if (filter.patternType !== PatternType.ANY && filter.patternType !== b.patternType) return false
  return filter.resourceName === null || filter.resourceName === b.resourceName
}

/** A stable key per binding: the store's journal key and the set's identity. */
export function bindingKey (b: AclBinding): string {
  return JSON.stringify([b.resourceType, b.patternType, b.resourceName, b.principal, b.host, b.operation, b.permission])
}
