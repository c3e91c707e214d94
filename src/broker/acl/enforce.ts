// Authorization at the dispatch level: each handler of the registry is
// wrapped once with its API's rule (./request-rules.ts), which asks the
// authorizer about the resources the request names and keeps refused entries
// from ever reaching the handler. The handlers stay unaware of ACLs. With
// authorization off the registry is returned unwrapped: no cost per request.
import { wrapHandler, type Handler, type RequestContext } from '../handlers/types.js'
import type { Authorizer } from './authorizer.js'
import { clientAddress } from './authorizer.js'
import { isBody } from './enforce-shapes.js'
import { OPEN_APIS, RULES, type Check } from './request-rules.js'

/** The authorizer's answers for the client of `ctx`. */
export function checkFor (authorizer: Authorizer, ctx: RequestContext): Check {
  const who = { principal: ctx.principal, host: clientAddress(ctx.clientHost) }
  return {
    can: (operation, type, name) => authorizer.authorize(who, operation, type, name),
    canAny: (operation, type) => authorizer.authorizeAny(who, operation, type)
  }
}

/** The handlers, each checking its requests against `authorizer` first; throws for an API without a rule. */
export function authorizeHandlers (handlers: readonly Handler[], authorizer: Authorizer): Handler[] {
  if (!authorizer.enabled) return [...handlers]
  return handlers.map(handler => {
    const name = handler.api.name
    if (OPEN_APIS.has(name)) return handler
    const rule = RULES[name]
    if (rule === undefined) throw new Error(`TRIB_ERR_AUTHORIZATION: API ${name} has no authorization rule (src/broker/acl/request-rules.ts)`)
    return wrapHandler(handler, (request, ctx) => rule(handler, isBody(request) ? request : {}, ctx, checkFor(authorizer, ctx)))
  })
}
