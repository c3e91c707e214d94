// Answers one bus API call, whichever route read it (fastify's in ./routes.ts or
// the lean one in ./lean-route.ts): signature, action lookup, one JSON.parse of
// the body, permissions, the action, and every failure as AWS's {__type, message}.
import { randomUUID } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import type { EventBus } from '../index.js'
import { BusApiError, BusErrorType } from '../errors.js'
import { actions } from './actions.js'
import { isObject } from '../fields.js'
import type { SignatureVerifier, SignedRequest } from './signature.js'
import type { BusPermissions } from './permissions.js'

const TARGET_PREFIX = 'AWSEvents.'

/** One bus API call as it arrived, whichever route read it (fastify's, or the lean one in ./lean-route.ts). */
export interface BusCall { method: string, url: string, headers: IncomingHttpHeaders, body: Buffer }

/** The answer to a BusCall: the body is the JSON text; `errorType` goes in x-amzn-errortype. */
export interface BusAnswer { status: number, requestId: string, errorType?: string, body: string }

/** Verifies, authorizes and runs one call; never throws (every failure is an AWS-shaped answer). */
export async function answerBusCall (bus: EventBus, call: BusCall, verifier: SignatureVerifier | null, permissions: BusPermissions | null): Promise<BusAnswer> {
  const requestId = randomUUID()
  const target = call.headers['x-amz-target']
  const action = typeof target === 'string' && target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : undefined
  let accessKeyId: string | undefined
  let signed: SignedRequest | undefined
  try {
    if (verifier !== null) {
      signed = { method: call.method, url: call.url, headers: call.headers, body: call.body }
      accessKeyId = await verifier.verify(signed)
    }
    const handler = action !== undefined && Object.hasOwn(actions, action) ? actions[action] : undefined
    if (!handler) throw new BusApiError(BusErrorType.unknownOperation, `The operation ${String(target ?? '')} is not supported.`)
    const input = parseInput(call.body)
    if (permissions !== null && accessKeyId !== undefined) permissions.authorize(accessKeyId, action!, input)
    const output = await handler(bus, input)
    return { status: 200, requestId, body: JSON.stringify(output ?? {}) }
  } catch (err) {
    const error = err instanceof BusApiError ? err : undefined
    // Anything that is not an answer AWS would give is a bug or a storage failure:
    // logged with what was asked, so the 500 can be traced to its request.
    if (!error) bus.logger?.error({ err, action, requestId }, `bus API action ${action ?? String(target)} failed unexpectedly`)
    // not done: with replay protection, the client's retry of the same signed bytes must be served
    if (accessKeyId !== undefined && signed !== undefined && (error?.status ?? 500) >= 500) verifier?.release(signed)
    const type = error?.type ?? BusErrorType.internal
    const message = error?.message ?? 'An internal error occurred.'
    return { status: error?.status ?? 500, requestId, errorType: type, body: JSON.stringify({ __type: type, message }) }
  }
}

function parseInput (body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(body.toString('utf8'))
  } catch {
    throw new BusApiError(BusErrorType.serialization, 'Start of structure or map found where not expected.')
  }
  if (!isObject(parsed)) throw new BusApiError(BusErrorType.serialization, 'Start of structure or map found where not expected.')
  dropNullMembers(parsed)
  return parsed
}

/**
 * AWS's JSON protocol reads a member set to null as a member not given (the
 * SDKs never send one; hand-written requests do). The handlers test optional
 * members against undefined, so nulls go before they run: found by fuzzing, a
 * PutRule with "EventPattern": null was a 500. Iterative: a body may nest deeply.
 */
function dropNullMembers (root: object): void {
  const stack: object[] = [root]
  while (stack.length > 0) {
    const node = stack.pop()!
    if (Array.isArray(node)) {
      for (const item of node) if (item !== null && typeof item === 'object') stack.push(item)
      continue
    }
    const record = node as Record<string, unknown>
    for (const key of Object.keys(record)) {
      const value = record[key]
      if (value === null) Reflect.deleteProperty(record, key)
      else if (typeof value === 'object') stack.push(value as object)
    }
  }
}
