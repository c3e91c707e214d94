// Kafka's error codes as the protocol defines them (Apache Kafka's
// org.apache.kafka.common.protocol.Errors): the code on the wire, Kafka's name for
// it, and whether Kafka's clients treat it as retriable (its exception extends
// RetriableException). Handlers answer protocol errors with these codes inside the
// response; see ../errors.ts for the errors Tributary itself throws (TributaryError).

export interface KafkaErrorInfo {
  readonly code: number
  readonly name: string
  readonly retriable: boolean
}

export const KafkaError = {
  UNKNOWN_SERVER_ERROR: { code: -1, name: 'UNKNOWN_SERVER_ERROR', retriable: false },
  NONE: { code: 0, name: 'NONE', retriable: false },
  OFFSET_OUT_OF_RANGE: { code: 1, name: 'OFFSET_OUT_OF_RANGE', retriable: false },
  CORRUPT_MESSAGE: { code: 2, name: 'CORRUPT_MESSAGE', retriable: true },
  UNKNOWN_TOPIC_OR_PARTITION: { code: 3, name: 'UNKNOWN_TOPIC_OR_PARTITION', retriable: true },
  INVALID_FETCH_SIZE: { code: 4, name: 'INVALID_FETCH_SIZE', retriable: false },
  LEADER_NOT_AVAILABLE: { code: 5, name: 'LEADER_NOT_AVAILABLE', retriable: true },
  NOT_LEADER_OR_FOLLOWER: { code: 6, name: 'NOT_LEADER_OR_FOLLOWER', retriable: true },
  REQUEST_TIMED_OUT: { code: 7, name: 'REQUEST_TIMED_OUT', retriable: true },
  BROKER_NOT_AVAILABLE: { code: 8, name: 'BROKER_NOT_AVAILABLE', retriable: false },
  REPLICA_NOT_AVAILABLE: { code: 9, name: 'REPLICA_NOT_AVAILABLE', retriable: true },
  MESSAGE_TOO_LARGE: { code: 10, name: 'MESSAGE_TOO_LARGE', retriable: false },
  STALE_CONTROLLER_EPOCH: { code: 11, name: 'STALE_CONTROLLER_EPOCH', retriable: false },
  OFFSET_METADATA_TOO_LARGE: { code: 12, name: 'OFFSET_METADATA_TOO_LARGE', retriable: false },
  NETWORK_EXCEPTION: { code: 13, name: 'NETWORK_EXCEPTION', retriable: true },
  COORDINATOR_LOAD_IN_PROGRESS: { code: 14, name: 'COORDINATOR_LOAD_IN_PROGRESS', retriable: true },
  COORDINATOR_NOT_AVAILABLE: { code: 15, name: 'COORDINATOR_NOT_AVAILABLE', retriable: true },
  NOT_COORDINATOR: { code: 16, name: 'NOT_COORDINATOR', retriable: true },
  INVALID_TOPIC_EXCEPTION: { code: 17, name: 'INVALID_TOPIC_EXCEPTION', retriable: false },
  RECORD_LIST_TOO_LARGE: { code: 18, name: 'RECORD_LIST_TOO_LARGE', retriable: false },
  NOT_ENOUGH_REPLICAS: { code: 19, name: 'NOT_ENOUGH_REPLICAS', retriable: true },
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: { code: 20, name: 'NOT_ENOUGH_REPLICAS_AFTER_APPEND', retriable: true },
  INVALID_REQUIRED_ACKS: { code: 21, name: 'INVALID_REQUIRED_ACKS', retriable: false },
  ILLEGAL_GENERATION: { code: 22, name: 'ILLEGAL_GENERATION', retriable: false },
  INCONSISTENT_GROUP_PROTOCOL: { code: 23, name: 'INCONSISTENT_GROUP_PROTOCOL', retriable: false },
  INVALID_GROUP_ID: { code: 24, name: 'INVALID_GROUP_ID', retriable: false },
  UNKNOWN_MEMBER_ID: { code: 25, name: 'UNKNOWN_MEMBER_ID', retriable: false },
  INVALID_SESSION_TIMEOUT: { code: 26, name: 'INVALID_SESSION_TIMEOUT', retriable: false },
  REBALANCE_IN_PROGRESS: { code: 27, name: 'REBALANCE_IN_PROGRESS', retriable: false },
  INVALID_COMMIT_OFFSET_SIZE: { code: 28, name: 'INVALID_COMMIT_OFFSET_SIZE', retriable: false },
  TOPIC_AUTHORIZATION_FAILED: { code: 29, name: 'TOPIC_AUTHORIZATION_FAILED', retriable: false },
  GROUP_AUTHORIZATION_FAILED: { code: 30, name: 'GROUP_AUTHORIZATION_FAILED', retriable: false },
  CLUSTER_AUTHORIZATION_FAILED: { code: 31, name: 'CLUSTER_AUTHORIZATION_FAILED', retriable: false },
  INVALID_TIMESTAMP: { code: 32, name: 'INVALID_TIMESTAMP', retriable: false },
  UNSUPPORTED_SASL_MECHANISM: { code: 33, name: 'UNSUPPORTED_SASL_MECHANISM', retriable: false },
  ILLEGAL_SASL_STATE: { code: 34, name: 'ILLEGAL_SASL_STATE', retriable: false },
  UNSUPPORTED_VERSION: { code: 35, name: 'UNSUPPORTED_VERSION', retriable: false },
  TOPIC_ALREADY_EXISTS: { code: 36, name: 'TOPIC_ALREADY_EXISTS', retriable: false },
  INVALID_PARTITIONS: { code: 37, name: 'INVALID_PARTITIONS', retriable: false },
  INVALID_REPLICATION_FACTOR: { code: 38, name: 'INVALID_REPLICATION_FACTOR', retriable: false },
  INVALID_REPLICA_ASSIGNMENT: { code: 39, name: 'INVALID_REPLICA_ASSIGNMENT', retriable: false },
  INVALID_CONFIG: { code: 40, name: 'INVALID_CONFIG', retriable: false },
  NOT_CONTROLLER: { code: 41, name: 'NOT_CONTROLLER', retriable: true },
  INVALID_REQUEST: { code: 42, name: 'INVALID_REQUEST', retriable: false },
  UNSUPPORTED_FOR_MESSAGE_FORMAT: { code: 43, name: 'UNSUPPORTED_FOR_MESSAGE_FORMAT', retriable: false },
  POLICY_VIOLATION: { code: 44, name: 'POLICY_VIOLATION', retriable: false },
  OUT_OF_ORDER_SEQUENCE_NUMBER: { code: 45, name: 'OUT_OF_ORDER_SEQUENCE_NUMBER', retriable: false },
  DUPLICATE_SEQUENCE_NUMBER: { code: 46, name: 'DUPLICATE_SEQUENCE_NUMBER', retriable: false },
  INVALID_PRODUCER_EPOCH: { code: 47, name: 'INVALID_PRODUCER_EPOCH', retriable: false },
  INVALID_TXN_STATE: { code: 48, name: 'INVALID_TXN_STATE', retriable: false },
  INVALID_PRODUCER_ID_MAPPING: { code: 49, name: 'INVALID_PRODUCER_ID_MAPPING', retriable: false },
  INVALID_TRANSACTION_TIMEOUT: { code: 50, name: 'INVALID_TRANSACTION_TIMEOUT', retriable: false },
  CONCURRENT_TRANSACTIONS: { code: 51, name: 'CONCURRENT_TRANSACTIONS', retriable: true },
  TRANSACTION_COORDINATOR_FENCED: { code: 52, name: 'TRANSACTION_COORDINATOR_FENCED', retriable: false },
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: { code: 53, name: 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED', retriable: false },
  SECURITY_DISABLED: { code: 54, name: 'SECURITY_DISABLED', retriable: false },
  OPERATION_NOT_ATTEMPTED: { code: 55, name: 'OPERATION_NOT_ATTEMPTED', retriable: false },
  KAFKA_STORAGE_ERROR: { code: 56, name: 'KAFKA_STORAGE_ERROR', retriable: true },
  LOG_DIR_NOT_FOUND: { code: 57, name: 'LOG_DIR_NOT_FOUND', retriable: false },
  SASL_AUTHENTICATION_FAILED: { code: 58, name: 'SASL_AUTHENTICATION_FAILED', retriable: false },
  UNKNOWN_PRODUCER_ID: { code: 59, name: 'UNKNOWN_PRODUCER_ID', retriable: false },
  REASSIGNMENT_IN_PROGRESS: { code: 60, name: 'REASSIGNMENT_IN_PROGRESS', retriable: false },
  DELEGATION_TOKEN_AUTH_DISABLED: { code: 61, name: 'DELEGATION_TOKEN_AUTH_DISABLED', retriable: false },
  DELEGATION_TOKEN_NOT_FOUND: { code: 62, name: 'DELEGATION_TOKEN_NOT_FOUND', retriable: false },
  DELEGATION_TOKEN_OWNER_MISMATCH: { code: 63, name: 'DELEGATION_TOKEN_OWNER_MISMATCH', retriable: false },
  DELEGATION_TOKEN_REQUEST_NOT_ALLOWED: { code: 64, name: 'DELEGATION_TOKEN_REQUEST_NOT_ALLOWED', retriable: false },
  DELEGATION_TOKEN_AUTHORIZATION_FAILED: { code: 65, name: 'DELEGATION_TOKEN_AUTHORIZATION_FAILED', retriable: false },
  DELEGATION_TOKEN_EXPIRED: { code: 66, name: 'DELEGATION_TOKEN_EXPIRED', retriable: false },
  INVALID_PRINCIPAL_TYPE: { code: 67, name: 'INVALID_PRINCIPAL_TYPE', retriable: false },
  NON_EMPTY_GROUP: { code: 68, name: 'NON_EMPTY_GROUP', retriable: false },
  GROUP_ID_NOT_FOUND: { code: 69, name: 'GROUP_ID_NOT_FOUND', retriable: false },
  FETCH_SESSION_ID_NOT_FOUND: { code: 70, name: 'FETCH_SESSION_ID_NOT_FOUND', retriable: true },
  INVALID_FETCH_SESSION_EPOCH: { code: 71, name: 'INVALID_FETCH_SESSION_EPOCH', retriable: true },
  LISTENER_NOT_FOUND: { code: 72, name: 'LISTENER_NOT_FOUND', retriable: true },
  TOPIC_DELETION_DISABLED: { code: 73, name: 'TOPIC_DELETION_DISABLED', retriable: false },
  FENCED_LEADER_EPOCH: { code: 74, name: 'FENCED_LEADER_EPOCH', retriable: true },
  UNKNOWN_LEADER_EPOCH: { code: 75, name: 'UNKNOWN_LEADER_EPOCH', retriable: true },
  UNSUPPORTED_COMPRESSION_TYPE: { code: 76, name: 'UNSUPPORTED_COMPRESSION_TYPE', retriable: false },
  STALE_BROKER_EPOCH: { code: 77, name: 'STALE_BROKER_EPOCH', retriable: false },
  OFFSET_NOT_AVAILABLE: { code: 78, name: 'OFFSET_NOT_AVAILABLE', retriable: true },
  MEMBER_ID_REQUIRED: { code: 79, name: 'MEMBER_ID_REQUIRED', retriable: false },
  PREFERRED_LEADER_NOT_AVAILABLE: { code: 80, name: 'PREFERRED_LEADER_NOT_AVAILABLE', retriable: true },
  GROUP_MAX_SIZE_REACHED: { code: 81, name: 'GROUP_MAX_SIZE_REACHED', retriable: false },
  FENCED_INSTANCE_ID: { code: 82, name: 'FENCED_INSTANCE_ID', retriable: false },
  ELIGIBLE_LEADERS_NOT_AVAILABLE: { code: 83, name: 'ELIGIBLE_LEADERS_NOT_AVAILABLE', retriable: true },
  ELECTION_NOT_NEEDED: { code: 84, name: 'ELECTION_NOT_NEEDED', retriable: true },
  NO_REASSIGNMENT_IN_PROGRESS: { code: 85, name: 'NO_REASSIGNMENT_IN_PROGRESS', retriable: false },
  GROUP_SUBSCRIBED_TO_TOPIC: { code: 86, name: 'GROUP_SUBSCRIBED_TO_TOPIC', retriable: false },
  INVALID_RECORD: { code: 87, name: 'INVALID_RECORD', retriable: false },
  UNSTABLE_OFFSET_COMMIT: { code: 88, name: 'UNSTABLE_OFFSET_COMMIT', retriable: true },
  THROTTLING_QUOTA_EXCEEDED: { code: 89, name: 'THROTTLING_QUOTA_EXCEEDED', retriable: true },
  PRODUCER_FENCED: { code: 90, name: 'PRODUCER_FENCED', retriable: false },
  RESOURCE_NOT_FOUND: { code: 91, name: 'RESOURCE_NOT_FOUND', retriable: false },
  DUPLICATE_RESOURCE: { code: 92, name: 'DUPLICATE_RESOURCE', retriable: false },
  UNACCEPTABLE_CREDENTIAL: { code: 93, name: 'UNACCEPTABLE_CREDENTIAL', retriable: false },
  INCONSISTENT_VOTER_SET: { code: 94, name: 'INCONSISTENT_VOTER_SET', retriable: false },
  INVALID_UPDATE_VERSION: { code: 95, name: 'INVALID_UPDATE_VERSION', retriable: false },
  FEATURE_UPDATE_FAILED: { code: 96, name: 'FEATURE_UPDATE_FAILED', retriable: false },
  PRINCIPAL_DESERIALIZATION_FAILURE: { code: 97, name: 'PRINCIPAL_DESERIALIZATION_FAILURE', retriable: false },
  SNAPSHOT_NOT_FOUND: { code: 98, name: 'SNAPSHOT_NOT_FOUND', retriable: false },
  UNKNOWN_TOPIC_ID: { code: 100, name: 'UNKNOWN_TOPIC_ID', retriable: true },
  DUPLICATE_BROKER_REGISTRATION: { code: 101, name: 'DUPLICATE_BROKER_REGISTRATION', retriable: false },
  BROKER_ID_NOT_REGISTERED: { code: 102, name: 'BROKER_ID_NOT_REGISTERED', retriable: false },
  INCONSISTENT_TOPIC_ID: { code: 103, name: 'INCONSISTENT_TOPIC_ID', retriable: true },
  INCONSISTENT_CLUSTER_ID: { code: 104, name: 'INCONSISTENT_CLUSTER_ID', retriable: false },
  TRANSACTIONAL_ID_NOT_FOUND: { code: 105, name: 'TRANSACTIONAL_ID_NOT_FOUND', retriable: false },
  FETCH_SESSION_TOPIC_ID_ERROR: { code: 106, name: 'FETCH_SESSION_TOPIC_ID_ERROR', retriable: true },
  INELIGIBLE_REPLICA: { code: 107, name: 'INELIGIBLE_REPLICA', retriable: false },
  NEW_LEADER_ELECTED: { code: 108, name: 'NEW_LEADER_ELECTED', retriable: false },
  OFFSET_MOVED_TO_TIERED_STORAGE: { code: 109, name: 'OFFSET_MOVED_TO_TIERED_STORAGE', retriable: false },
  FENCED_MEMBER_EPOCH: { code: 110, name: 'FENCED_MEMBER_EPOCH', retriable: false },
  UNRELEASED_INSTANCE_ID: { code: 111, name: 'UNRELEASED_INSTANCE_ID', retriable: false },
  UNSUPPORTED_ASSIGNOR: { code: 112, name: 'UNSUPPORTED_ASSIGNOR', retriable: false },
  STALE_MEMBER_EPOCH: { code: 113, name: 'STALE_MEMBER_EPOCH', retriable: false },
  MISMATCHED_ENDPOINT_TYPE: { code: 114, name: 'MISMATCHED_ENDPOINT_TYPE', retriable: false },
  UNSUPPORTED_ENDPOINT_TYPE: { code: 115, name: 'UNSUPPORTED_ENDPOINT_TYPE', retriable: false },
  UNKNOWN_CONTROLLER_ID: { code: 116, name: 'UNKNOWN_CONTROLLER_ID', retriable: false },
  UNKNOWN_SUBSCRIPTION_ID: { code: 117, name: 'UNKNOWN_SUBSCRIPTION_ID', retriable: false },
  TELEMETRY_TOO_LARGE: { code: 118, name: 'TELEMETRY_TOO_LARGE', retriable: false },
  INVALID_REGISTRATION: { code: 119, name: 'INVALID_REGISTRATION', retriable: false },
  TRANSACTION_ABORTABLE: { code: 120, name: 'TRANSACTION_ABORTABLE', retriable: false },
  INVALID_RECORD_STATE: { code: 121, name: 'INVALID_RECORD_STATE', retriable: false },
  SHARE_SESSION_NOT_FOUND: { code: 122, name: 'SHARE_SESSION_NOT_FOUND', retriable: true },
  INVALID_SHARE_SESSION_EPOCH: { code: 123, name: 'INVALID_SHARE_SESSION_EPOCH', retriable: true },
  FENCED_STATE_EPOCH: { code: 124, name: 'FENCED_STATE_EPOCH', retriable: false },
  INVALID_VOTER_KEY: { code: 125, name: 'INVALID_VOTER_KEY', retriable: false },
  DUPLICATE_VOTER: { code: 126, name: 'DUPLICATE_VOTER', retriable: false },
  VOTER_NOT_FOUND: { code: 127, name: 'VOTER_NOT_FOUND', retriable: false },
  INVALID_REGULAR_EXPRESSION: { code: 128, name: 'INVALID_REGULAR_EXPRESSION', retriable: false },
} as const satisfies Record<string, KafkaErrorInfo>

export type KafkaErrorName = keyof typeof KafkaError

/** Name → numeric code, for handlers: `ErrorCode.UNKNOWN_TOPIC_OR_PARTITION` is 3. */
export const ErrorCode = Object.freeze(Object.fromEntries(
  Object.values(KafkaError).map(e => [e.name, e.code])
)) as { readonly [K in KafkaErrorName]: (typeof KafkaError)[K]['code'] }

const byCode = new Map<number, KafkaErrorInfo>(Object.values(KafkaError).map(e => [e.code, e]))

/** The error a code stands for, or undefined for a code Kafka does not define. */
export function kafkaErrorByCode (code: number): KafkaErrorInfo | undefined {
  return byCode.get(code)
}

/** Kafka's name for a code ("UNKNOWN_TOPIC_OR_PARTITION"), or "UNKNOWN_ERROR_<code>". */
export function kafkaErrorName (code: number): string {
  return byCode.get(code)?.name ?? `UNKNOWN_ERROR_${code}`
}
