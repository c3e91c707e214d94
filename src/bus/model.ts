// The bus catalog: what the API creates and the runtime reads. Shapes follow
// the EventBridge API model (PascalCase fields where they are echoed back).
export type Tag = { Key: string, Value: string }

export interface BusDefinition {
  name: string
  arn: string
  description?: string
  kmsKeyIdentifier?: string
  deadLetterConfig?: { Arn?: string }
  policy?: string
  createdAt: number
  modifiedAt: number
  tags: Tag[]
}

export interface RetryPolicy { MaximumRetryAttempts?: number, MaximumEventAgeInSeconds?: number }

export interface InputTransformer { InputPathsMap?: Record<string, string>, InputTemplate: string }

export interface HttpParameters {
  PathParameterValues?: string[]
  HeaderParameters?: Record<string, string>
  QueryStringParameters?: Record<string, string>
}

/** A target as PutTargets takes it; fields this emulator does not use are kept and echoed. */
export interface TargetDefinition {
  Id: string
  Arn: string
  RoleArn?: string
  Input?: string
  InputPath?: string
  InputTransformer?: InputTransformer
  RetryPolicy?: RetryPolicy
  DeadLetterConfig?: { Arn?: string }
  HttpParameters?: HttpParameters
  SqsParameters?: { MessageGroupId?: string }
  KinesisParameters?: { PartitionKeyPath: string }
  [other: string]: unknown
}

export const RuleState = { enabled: 'ENABLED', disabled: 'DISABLED' } as const
export type RuleStateName = typeof RuleState[keyof typeof RuleState]

export interface RuleDefinition {
  name: string
  busName: string
  arn: string
  eventPattern?: string
  scheduleExpression?: string
  state: RuleStateName
  description?: string
  roleArn?: string
  createdAt: number
  targets: TargetDefinition[]
  tags: Tag[]
}

export interface ArchiveDefinition {
  name: string
  arn: string
  sourceBusName: string
  eventSourceArn: string
  description?: string
  eventPattern?: string
  retentionDays: number
  state: string
  createdAt: number
}

export const ReplayState = {
  starting: 'STARTING',
  running: 'RUNNING',
  cancelling: 'CANCELLING',
  completed: 'COMPLETED',
  cancelled: 'CANCELLED',
  failed: 'FAILED',
} as const
export type ReplayStateName = typeof ReplayState[keyof typeof ReplayState]

export interface ReplayDefinition {
  name: string
  arn: string
  description?: string
  archiveName: string
  eventSourceArn: string
  destination: { Arn: string, FilterArns?: string[] }
  eventStartTime: number
  eventEndTime: number
  state: ReplayStateName
  stateReason?: string
  replayStartTime: number
  replayEndTime?: number
  eventLastReplayedTime?: number
  /** Next archive offset to read, and the archive's end when the replay started. */
  cursor: number
  endOffset: number
}

export const ConnectionState = {
  creating: 'CREATING',
  updating: 'UPDATING',
  deleting: 'DELETING',
  authorized: 'AUTHORIZED',
  deauthorized: 'DEAUTHORIZED',
  authorizing: 'AUTHORIZING',
  deauthorizing: 'DEAUTHORIZING',
} as const

export interface KeyValueParameter { Key?: string, Value?: string, IsValueSecret?: boolean }
export interface ConnectionHttpParameters {
  HeaderParameters?: KeyValueParameter[]
  QueryStringParameters?: KeyValueParameter[]
  BodyParameters?: KeyValueParameter[]
}

export interface ConnectionAuthParameters {
  BasicAuthParameters?: { Username: string, Password?: string }
  ApiKeyAuthParameters?: { ApiKeyName: string, ApiKeyValue?: string }
  OAuthParameters?: {
    ClientParameters: { ClientID: string, ClientSecret?: string }
    AuthorizationEndpoint: string
    HttpMethod: string
    OAuthHttpParameters?: ConnectionHttpParameters
  }
  InvocationHttpParameters?: ConnectionHttpParameters
}

export interface ConnectionDefinition {
  name: string
  arn: string
  description?: string
  authorizationType: string
  authParameters: ConnectionAuthParameters
  state: string
  stateReason?: string
  createdAt: number
  modifiedAt: number
  lastAuthorizedAt?: number
}

export interface ApiDestinationDefinition {
  name: string
  arn: string
  description?: string
  connectionArn: string
  invocationEndpoint: string
  httpMethod: string
  invocationRateLimitPerSecond?: number
  state: string
  createdAt: number
  modifiedAt: number
}

/** Everything persisted in <dataDir>/__bus/catalog.json. */
export interface CatalogData {
  version: 1
  buses: BusDefinition[]
  rules: RuleDefinition[]
  archives: ArchiveDefinition[]
  replays: ReplayDefinition[]
  connections: ConnectionDefinition[]
  apiDestinations: ApiDestinationDefinition[]
}

/** The envelope every target receives (and the value of each record in a bus topic). */
export interface EventEnvelope {
  version: '0'
  id: string
  'detail-type': string
  source: string
  account: string
  time: string
  region: string
  resources: string[]
  detail: unknown
  'replay-name'?: string
  [other: string]: unknown
}
