// CreateConnection, DescribeConnection, UpdateConnection, DeleteConnection,
// ListConnections, DeauthorizeConnection. Secrets (passwords, API key values,
// client secrets) are kept in the catalog on local disk and never answered back.
import { randomUUID } from 'node:crypto'
import { alreadyExistsError, notFoundError, validationError, type BusApiError } from '../errors.js'
import { ConnectionState, type ConnectionAuthParameters, type ConnectionDefinition, type ConnectionHttpParameters } from '../model.js'
import { authParameters, optionalString, requiredString, type AuthUpdate } from '../fields.js'
import { Checks, epochSeconds, page, pageParams, Patterns } from '../validate.js'
import { byName, type ActionHandler } from './common.js'
import type { EventBus } from '../index.js'

const NAME = { required: true, min: 1, max: 64, pattern: Patterns.connectionName } as const
const AUTH_TYPES = ['BASIC', 'OAUTH_CLIENT_CREDENTIALS', 'API_KEY'] as const

function requireConnection (bus: EventBus, name: string): ConnectionDefinition {
  const c = bus.catalog.connections.get(name)
  if (!c) throw notFoundError(`Failed to describe the connection(s). Connection '${name}' does not exist.`)
  return c
}

/**
 * The stored auth parameters for `type`, once the kind that type needs is complete:
 * the one kind the connection authorizes with, and the invocation parameters.
 */
function completeAuth (type: string, auth: AuthUpdate | undefined): ConnectionAuthParameters {
  const out: ConnectionAuthParameters = auth?.InvocationHttpParameters ? { InvocationHttpParameters: auth.InvocationHttpParameters } : {}
  if (type === 'BASIC') {
    const basic = auth?.BasicAuthParameters
    if (!basic) throw missingAuth(type)
    if (!basic.Username || basic.Password === undefined) throw validationError('BasicAuthParameters need Username and Password.')
    out.BasicAuthParameters = { Username: basic.Username, Password: basic.Password }
  } else if (type === 'API_KEY') {
    const apiKey = auth?.ApiKeyAuthParameters
    if (!apiKey) throw missingAuth(type)
    if (!apiKey.ApiKeyName || apiKey.ApiKeyValue === undefined) throw validationError('ApiKeyAuthParameters need ApiKeyName and ApiKeyValue.')
    out.ApiKeyAuthParameters = { ApiKeyName: apiKey.ApiKeyName, ApiKeyValue: apiKey.ApiKeyValue }
  } else if (type === 'OAUTH_CLIENT_CREDENTIALS') {
    const o = auth?.OAuthParameters
    if (!o) throw missingAuth(type)
    const clientId = o.ClientParameters?.ClientID
    if (!clientId || !o.AuthorizationEndpoint || !o.HttpMethod) throw validationError('OAuthParameters need ClientParameters, AuthorizationEndpoint and HttpMethod.')
    if (!['GET', 'POST', 'PUT'].includes(o.HttpMethod)) throw validationError(`Value '${o.HttpMethod}' at 'authParameters.oAuthParameters.httpMethod' failed to satisfy constraint: Member must satisfy enum value set: [GET, POST, PUT]`)
    try {
      new URL(o.AuthorizationEndpoint) // eslint-disable-line no-new
    } catch {
      throw validationError('Parameter AuthorizationEndpoint is not valid.')
    }
    const secret = o.ClientParameters?.ClientSecret
    out.OAuthParameters = {
      ClientParameters: secret === undefined ? { ClientID: clientId } : { ClientID: clientId, ClientSecret: secret },
      AuthorizationEndpoint: o.AuthorizationEndpoint,
      HttpMethod: o.HttpMethod,
      ...(o.OAuthHttpParameters ? { OAuthHttpParameters: o.OAuthHttpParameters } : {}),
    }
  } else {
    throw missingAuth(type)
  }
  return out
}

function missingAuth (type: string): BusApiError {
  return validationError(`The auth parameters for authorization type ${type} must be provided.`)
}

/** Describe answers the auth parameters without their secrets. */
function publicAuth (auth: ConnectionAuthParameters): ConnectionAuthParameters {
  const hideSecrets = (p?: ConnectionHttpParameters): ConnectionHttpParameters | undefined => p && {
    HeaderParameters: p.HeaderParameters?.map(h => h.IsValueSecret === true ? { Key: h.Key, IsValueSecret: true } : h),
    QueryStringParameters: p.QueryStringParameters?.map(h => h.IsValueSecret === true ? { Key: h.Key, IsValueSecret: true } : h),
    BodyParameters: p.BodyParameters?.map(h => h.IsValueSecret === true ? { Key: h.Key, IsValueSecret: true } : h),
  }
  return {
    BasicAuthParameters: auth.BasicAuthParameters && { Username: auth.BasicAuthParameters.Username },
    ApiKeyAuthParameters: auth.ApiKeyAuthParameters && { ApiKeyName: auth.ApiKeyAuthParameters.ApiKeyName },
    OAuthParameters: auth.OAuthParameters && {
      ClientParameters: { ClientID: auth.OAuthParameters.ClientParameters.ClientID },
      AuthorizationEndpoint: auth.OAuthParameters.AuthorizationEndpoint,
      HttpMethod: auth.OAuthParameters.HttpMethod,
      OAuthHttpParameters: hideSecrets(auth.OAuthParameters.OAuthHttpParameters),
    },
    InvocationHttpParameters: hideSecrets(auth.InvocationHttpParameters),
  }
}

function stateAnswer (c: ConnectionDefinition): Record<string, unknown> {
  return { ConnectionArn: c.arn, ConnectionState: c.state, CreationTime: epochSeconds(c.createdAt), LastModifiedTime: epochSeconds(c.modifiedAt), LastAuthorizedTime: c.lastAuthorizedAt === undefined ? undefined : epochSeconds(c.lastAuthorizedAt) }
}

export const createConnection: ActionHandler = async (bus, input) => {
  const checks = new Checks()
  checks.string(input.Name, 'name', NAME)
  checks.string(input.Description, 'description', { max: 512 })
  checks.string(input.AuthorizationType, 'authorizationType', { required: true, enum: AUTH_TYPES })
  checks.required(input.AuthParameters, 'authParameters')
  checks.done()
  const name = requiredString(input, 'Name')
  if (bus.catalog.connections.has(name)) throw alreadyExistsError(`Connection ${name} already exists.`)
  const authorizationType = requiredString(input, 'AuthorizationType')
  const auth = completeAuth(authorizationType, authParameters(input, 'AuthParameters'))
  const now = Date.now()
  const oauth = authorizationType === 'OAUTH_CLIENT_CREDENTIALS'
  const connection: ConnectionDefinition = {
    name,
    arn: bus.arns.connection(name, randomUUID()),
    description: optionalString(input, 'Description'),
    authorizationType,
    authParameters: auth,
    // Basic and API key connections need nothing fetched. An OAuth connection is
    // AUTHORIZING until a token was obtained from its endpoint, as on AWS.
    state: oauth ? ConnectionState.authorizing : ConnectionState.authorized,
    createdAt: now,
    modifiedAt: now,
    lastAuthorizedAt: oauth ? undefined : now,
  }
  await bus.catalog.createConnection(connection)
  if (oauth) authorizeInBackground(bus, connection.name)
  return stateAnswer(connection)
}

/** Fetches a token for an OAuth connection; the outcome becomes its state. */
function authorizeInBackground (bus: EventBus, name: string): void {
  const settle = async (): Promise<void> => {
    const connection = bus.catalog.connections.get(name)
    if (!connection) return
    let changes: Partial<ConnectionDefinition>
    try {
      await bus.deliverer.auth.authorize(connection)
      changes = { state: ConnectionState.authorized, stateReason: undefined, lastAuthorizedAt: Date.now() }
    } catch (err) {
      changes = { state: ConnectionState.deauthorized, stateReason: err instanceof Error ? err.message : String(err) }
    }
    // Only if nothing replaced the connection meanwhile (an update starts its own round).
    if (bus.catalog.connections.get(name) === connection) await bus.catalog.updateConnection(connection, changes)
  }
  settle().catch(err => bus.logger?.error({ err, connection: name }, 'could not record the outcome of a connection authorization'))
}

export const describeConnection: ActionHandler = async (bus, input) => {
  const checks = new Checks()
  checks.string(input.Name, 'name', NAME)
  checks.done()
  const c = requireConnection(bus, requiredString(input, 'Name'))
  return {
    ...stateAnswer(c),
    Name: c.name,
    Description: c.description,
    StateReason: c.stateReason,
    AuthorizationType: c.authorizationType,
    SecretArn: `arn:aws:secretsmanager:${bus.region}:${bus.accountId}:secret:events!connection/${c.name}`,
    AuthParameters: publicAuth(c.authParameters),
  }
}

export const updateConnection: ActionHandler = async (bus, input) => {
  const checks = new Checks()
  checks.string(input.Name, 'name', NAME)
  checks.string(input.Description, 'description', { max: 512 })
  checks.string(input.AuthorizationType, 'authorizationType', { enum: AUTH_TYPES })
  checks.done()
  const c = requireConnection(bus, requiredString(input, 'Name'))
  const changes: Partial<ConnectionDefinition> = {}
  const description = optionalString(input, 'Description')
  if (description !== undefined) changes.description = description
  const authorizationType = optionalString(input, 'AuthorizationType') ?? c.authorizationType
  changes.authorizationType = authorizationType
  // Fields given replace the stored ones; secrets left out are kept.
  const merged: AuthUpdate = { ...c.authParameters }
  const update = authParameters(input, 'AuthParameters')
  if (update?.BasicAuthParameters) merged.BasicAuthParameters = { ...c.authParameters.BasicAuthParameters, ...update.BasicAuthParameters }
  if (update?.ApiKeyAuthParameters) merged.ApiKeyAuthParameters = { ...c.authParameters.ApiKeyAuthParameters, ...update.ApiKeyAuthParameters }
  if (update?.OAuthParameters) {
    const old = c.authParameters.OAuthParameters
    merged.OAuthParameters = { ...old, ...update.OAuthParameters, ClientParameters: { ...old?.ClientParameters, ...update.OAuthParameters.ClientParameters } }
  }
  if (update?.InvocationHttpParameters) merged.InvocationHttpParameters = update.InvocationHttpParameters
  const authParametersNow = completeAuth(authorizationType, merged)
  const oauth = authorizationType === 'OAUTH_CLIENT_CREDENTIALS'
  const now = Date.now()
  const next = await bus.catalog.updateConnection(c, {
    ...changes,
    authParameters: authParametersNow,
    modifiedAt: now,
    state: oauth ? ConnectionState.authorizing : ConnectionState.authorized,
    stateReason: undefined,
    ...(oauth ? {} : { lastAuthorizedAt: now }),
  })
  if (oauth) authorizeInBackground(bus, next.name)
  return stateAnswer(next)
}

export const deauthorizeConnection: ActionHandler = async (bus, input) => {
  const checks = new Checks()
  checks.string(input.Name, 'name', NAME)
  checks.done()
  const c = await bus.catalog.updateConnection(requireConnection(bus, requiredString(input, 'Name')), { state: ConnectionState.deauthorized })
  return stateAnswer(c)
}

export const deleteConnection: ActionHandler = async (bus, input) => {
  const checks = new Checks()
  checks.string(input.Name, 'name', NAME)
  checks.done()
  const c = requireConnection(bus, requiredString(input, 'Name'))
  await bus.catalog.deleteConnection(c)
  return { ...stateAnswer(c), ConnectionState: ConnectionState.deleting }
}

export const listConnections: ActionHandler = async (bus, input) => {
  const params = pageParams(input)
  const checks = new Checks()
  checks.string(input.NamePrefix, 'namePrefix', { min: 1, max: 64 })
  checks.string(input.ConnectionState, 'connectionState', { enum: Object.values(ConnectionState) })
  checks.done()
  const prefix = optionalString(input, 'NamePrefix') ?? ''
  const all = [...bus.catalog.connections.values()]
    .filter(c => c.name.startsWith(prefix) && (input.ConnectionState === undefined || c.state === input.ConnectionState))
    .sort(byName)
  const { items, nextToken } = page(all, params)
  return {
    Connections: items.map(c => ({ ...stateAnswer(c), Name: c.name, StateReason: c.stateReason, AuthorizationType: c.authorizationType })),
    NextToken: nextToken,
  }
}
