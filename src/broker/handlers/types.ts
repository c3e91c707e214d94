// The calling convention every Kafka API handler follows (one file per API key,
// as franz-go's kfake does). A handler receives the decoded request body (plain
// object, camelCase field names as in Kafka's message definitions) and returns the
// response body object; the server encodes it with the same ApiSpec at the same
// version. Protocol errors are error codes inside the response; throwing closes
// the connection (Kafka's answer to a request it cannot make sense of).
// Both bodies are typed from the API's definition: a handler is a
// `Handler<'Produce'>`, so a misspelled request field, a wrongly typed answer
// field or an answer missing a required field does not compile. (TypeScript does
// not flag an extra, e.g. misspelled optional, property on an object literal
// returned straight from `handle`; build nested answers as typed values, e.g.
// `Element<ResponseInput<'Fetch'>['responses']>`, where it does.)
import type { ApiName, ApiNamed, RequestOf, ResponseInput } from '../../protocol/messages/api-types.js'
import type { BrokerServices } from '../services.js'
import type { ConnectionAuth } from '../connection-auth.js'

export interface RequestContext {
  apiKey: number
  apiVersion: number
  correlationId: number
  clientId: string | null
  /** Unique per TCP connection for the life of the process. */
  connectionId: number
  /** host:port of the client, for logs and DescribeGroups' clientHost. */
  clientHost: string
  /**
   * Who the client is, as ACLs name it: 'User:ANONYMOUS' until a SASL
   * authentication succeeds ('User:<name>' after); on an SSL listener with a
   * client certificate, 'User:<certificate subject>' from the start.
   */
  principal: string
  /** Name of the listener the connection came in through (config `listeners[].name`). */
  listener: string
  /** Whether the principal was proven: a SASL authentication or a verified client certificate. */
  authenticated: boolean
  /** The connection's SASL state, driven by the SaslHandshake and SaslAuthenticate handlers (absent outside a server connection). */
  auth?: ConnectionAuth
  services: BrokerServices
  /**
   * Runs `release` once the socket has taken the whole answer (absent outside a server connection; then
   * nothing may be handed out that needs a release). Not run if the answer is never written.
   */
  afterWritten?: (release: () => void) => void
}

/** APIs whose handler may answer nothing: Produce with acks=0, as Kafka. */
type MayAnswerNothing = { [N in ApiName]: N extends 'Produce' ? undefined : never }

/** What a handler of API `N` returns (a table lookup, like the message types, to keep Handler<N> covariant in N). */
export type HandlerResult<N extends ApiName> = ResponseInput<N> | MayAnswerNothing[N] | Promise<ResponseInput<N> | MayAnswerNothing[N]>

/**
 * The handler of API `N`. Plain `Handler` is a handler of some API, as the
 * registry and the server hold them.
 */
export interface Handler<N extends ApiName = ApiName> {
  api: ApiNamed<N>
  // A method, not a function-typed property: method parameters are compared
  // both ways, which is what lets a Handler<'Produce'> stand in a Handler[].
  handle (request: RequestOf<N>, ctx: RequestContext): HandlerResult<N>
}

/**
 * Middleware around handlers (request metrics, the embedded broker's injected
 * faults) sees requests and answers untyped: it wraps every API alike. The
 * request it passes on is the one the server decoded with this handler's own
 * spec, so calling through here is safe.
 */
export function callHandler (handler: Handler, request: unknown, ctx: RequestContext): unknown {
  return (handler.handle as (request: unknown, ctx: RequestContext) => unknown)(request, ctx)
}

/** A handler of the same API whose answers come from `handle` (see callHandler). */
export function wrapHandler (handler: Handler, handle: (request: unknown, ctx: RequestContext) => unknown): Handler {
  return { api: handler.api, handle: handle as Handler['handle'] }
}
