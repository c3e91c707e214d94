// The calling convention every Kafka API handler follows (one file per API key,
// as franz-go's kfake does). A handler receives the decoded request body (plain
// object, camelCase field names as in Kafka's message definitions) and returns the
// response body object; the server encodes it with the same ApiSpec at the same
// version. Protocol errors are error codes inside the response; throwing closes
// the connection (Kafka's answer to a request it cannot make sense of).
import type { ApiSpec } from '../../protocol/messages/spec.js'
import type { BrokerServices } from '../services.js'

export interface RequestContext {
  apiKey: number
  apiVersion: number
  correlationId: number
  clientId: string | null
  /** Unique per TCP connection for the life of the process. */
  connectionId: number
  /** host:port of the client, for logs and DescribeGroups' clientHost. */
  clientHost: string
  services: BrokerServices
}

export interface Handler {
  api: ApiSpec
  handle: (request: any, ctx: RequestContext) => unknown | Promise<unknown>
}
