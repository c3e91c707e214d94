// Which operations a client may perform on a resource, as the authorized-
// operations fields of Metadata (v8+), DescribeCluster and DescribeGroups carry
// them: a bit set with bit N for Kafka's AclOperation code N, or "not provided"
// (-2147483648) when the client did not ask. This is the one place the answer
// is made. Handlers answer as Kafka does without an authorizer (every
// operation that applies to the resource type); when authorization is on, the
// authorization wrapper (src/broker/acl/request-rules.ts) replaces that answer
// with the principal's own, from operationsAllowed below.

/** Kafka's AclOperation codes (org.apache.kafka.common.acl.AclOperation). */
export const AclOperation = {
  UNKNOWN: 0,
  ANY: 1,
  ALL: 2,
  READ: 3,
  WRITE: 4,
  CREATE: 5,
  DELETE: 6,
  ALTER: 7,
  DESCRIBE: 8,
  CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11,
  IDEMPOTENT_WRITE: 12,
  CREATE_TOKENS: 13,
  DESCRIBE_TOKENS: 14
} as const

const A = AclOperation

/** The operations Kafka's authorizer knows per resource type (AclEntry.supportedOperations). */
export const SUPPORTED_OPERATIONS = {
  topic: [A.READ, A.WRITE, A.CREATE, A.DESCRIBE, A.DELETE, A.ALTER, A.DESCRIBE_CONFIGS, A.ALTER_CONFIGS],
  group: [A.READ, A.DESCRIBE, A.DELETE],
  cluster: [A.CREATE, A.CLUSTER_ACTION, A.DESCRIBE_CONFIGS, A.ALTER_CONFIGS, A.IDEMPOTENT_WRITE, A.ALTER, A.DESCRIBE],
  transactionalId: [A.DESCRIBE, A.WRITE]
} as const
export type AuthorizedResource = keyof typeof SUPPORTED_OPERATIONS

/** What the authorized-operations fields hold when the client did not ask. */
export const AUTHORIZED_OPERATIONS_OMITTED = -2147483648

export function operationBits (operations: readonly number[]): number {
  let bits = 0
  for (const op of operations) bits |= 1 << op
  return bits
}

/** The answer for one resource of `type`: every operation it supports (no authorizer), or omitted. */
export function authorizedOperations (type: AuthorizedResource, requested: boolean): number {
  return requested ? operationBits(SUPPORTED_OPERATIONS[type]) : AUTHORIZED_OPERATIONS_OMITTED
}

/** Whatever can answer "may this client do this operation on this resource" (src/broker/acl/authorizer.ts). */
export interface OperationCheck { can: (operation: number, resourceType: number, name: string) => boolean }

/** Kafka's ResourceType codes of the resource types above. */
const RESOURCE_TYPE_CODE: Record<AuthorizedResource, number> = { topic: 2, group: 3, cluster: 4, transactionalId: 5 }

/** The bit set of the operations on `name` of `type` that `check` allows. */
export function operationsAllowed (type: AuthorizedResource, name: string, check: OperationCheck): number {
  return operationBits(SUPPORTED_OPERATIONS[type].filter(op => check.can(op, RESOURCE_TYPE_CODE[type], name)))
}
