// A connection's authorization applied to an HTTP call: Basic, API key, or
// OAuth client credentials (token fetched from the authorization endpoint,
// cached until shortly before it expires, dropped when the target says 401),
// plus the connection's extra header, query-string and body parameters.
import type { ConnectionDefinition, KeyValueParameter } from '../model.js'
import { DeliveryError, isRetryableStatus } from './delivery-error.js'

export interface HttpRequestParts {
  headers: Record<string, string>
  query: URLSearchParams
  bodyParameters: Record<string, string>
}

interface CachedToken { token: string, expiresAt: number }

export class ConnectionAuthorizer {
  private readonly tokens = new Map<string, CachedToken>()
  private readonly pending = new Map<string, Promise<string>>()

  constructor (private readonly timeoutMs: number) {}

  async apply (connection: ConnectionDefinition, parts: HttpRequestParts): Promise<void> {
    const auth = connection.authParameters
    addParameters(auth.InvocationHttpParameters, parts)
    if (auth.BasicAuthParameters) {
      const { Username, Password } = auth.BasicAuthParameters
      parts.headers.authorization = `Basic ${Buffer.from(`${Username}:${Password ?? ''}`).toString('base64')}`
    } else if (auth.ApiKeyAuthParameters) {
      parts.headers[auth.ApiKeyAuthParameters.ApiKeyName.toLowerCase()] = auth.ApiKeyAuthParameters.ApiKeyValue ?? ''
    } else if (auth.OAuthParameters) {
      parts.headers.authorization = `Bearer ${await this.token(connection)}`
    }
  }

  /** Obtains a token for an OAuth connection now (nothing to fetch for the other kinds). */
  async authorize (connection: ConnectionDefinition): Promise<void> {
    if (connection.authParameters.OAuthParameters) await this.token(connection)
  }

  /** Forget a token the target refused, so the next attempt fetches a new one. */
  invalidate (connectionArn: string): void {
    this.tokens.delete(connectionArn)
  }

  forget (connectionArn: string): void {
    this.tokens.delete(connectionArn)
  }

  private async token (connection: ConnectionDefinition): Promise<string> {
    const cached = this.tokens.get(connection.arn)
    if (cached && cached.expiresAt > Date.now()) return cached.token
    let request = this.pending.get(connection.arn)
    if (!request) {
      request = this.fetchToken(connection).finally(() => this.pending.delete(connection.arn))
      this.pending.set(connection.arn, request)
    }
    return await request
  }

  private async fetchToken (connection: ConnectionDefinition): Promise<string> {
    const oauth = connection.authParameters.OAuthParameters!
    const parts: HttpRequestParts = { headers: {}, query: new URLSearchParams(), bodyParameters: {} }
    addParameters(oauth.OAuthHttpParameters, parts)
    const { ClientID, ClientSecret } = oauth.ClientParameters
    parts.headers.authorization = `Basic ${Buffer.from(`${ClientID}:${ClientSecret ?? ''}`).toString('base64')}`
    const form = new URLSearchParams({ grant_type: 'client_credentials', ...parts.bodyParameters })
    const url = new URL(oauth.AuthorizationEndpoint)
    for (const [k, v] of parts.query) url.searchParams.append(k, v)
    const method = oauth.HttpMethod.toUpperCase()
    let body: string | undefined
    if (method === 'GET') {
      for (const [k, v] of form) url.searchParams.append(k, v)
    } else {
      body = form.toString()
      parts.headers['content-type'] = 'application/x-www-form-urlencoded'
    }
    let response: Response
    try {
      response = await fetch(url, { method, headers: parts.headers, body, signal: AbortSignal.timeout(this.timeoutMs) })
    } catch (err) {
      throw new DeliveryError('OAuthTokenRequestFailed', `OAuth token request to ${url.origin} failed: ${(err as Error).message}`, true)
    }
    const text = await response.text()
    if (!response.ok) {
      throw new DeliveryError('OAuthTokenRequestFailed', `OAuth token endpoint answered ${response.status}`, isRetryableStatus(response.status))
    }
    let parsed: { access_token?: unknown, expires_in?: unknown }
    try {
      parsed = JSON.parse(text)
    } catch {
      throw new DeliveryError('OAuthTokenRequestFailed', 'OAuth token endpoint did not answer JSON', false)
    }
    if (typeof parsed.access_token !== 'string') throw new DeliveryError('OAuthTokenRequestFailed', 'OAuth token endpoint answered no access_token', false)
    const lifetimeS = typeof parsed.expires_in === 'number' ? parsed.expires_in : 3600
    this.tokens.set(connection.arn, { token: parsed.access_token, expiresAt: Date.now() + Math.max(0, lifetimeS - 30) * 1000 })
    return parsed.access_token
  }
}

function addParameters (params: { HeaderParameters?: KeyValueParameter[], QueryStringParameters?: KeyValueParameter[], BodyParameters?: KeyValueParameter[] } | undefined, parts: HttpRequestParts): void {
  if (!params) return
  for (const p of params.HeaderParameters ?? []) if (p.Key) parts.headers[p.Key.toLowerCase()] = p.Value ?? ''
  for (const p of params.QueryStringParameters ?? []) if (p.Key) parts.query.append(p.Key, p.Value ?? '')
  for (const p of params.BodyParameters ?? []) if (p.Key) parts.bodyParameters[p.Key] = p.Value ?? ''
}
