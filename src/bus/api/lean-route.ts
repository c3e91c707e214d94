// The bus API's lean route: POST / calls in AWS's JSON content types are read
// and answered straight off node:http's request, ahead of fastify's router.
// Why: at PutEvents rates fastify's per-request work (routing, the content-type
// parser, the hook chain, reply serialisation: ~20 % of the broker's CPU per
// entry with no rules, issue 15) bought nothing the bus uses — the body is read
// raw, parsed once, and the answer is a string. Everything else on the port
// (/health, /metrics, the console, a bus call in another content type or with a
// query string) still goes to fastify, and so do its error shapes: the answers
// here are the ones the fastify route gives (./answer.ts answers for both).
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { Logger } from '../../logger.js'
import type { EventBus } from '../index.js'
import { BusErrorType } from '../errors.js'
import type { SignatureVerifier } from './signature.js'
import type { BusPermissions } from './permissions.js'
import { answerBusCall, type BusAnswer } from './answer.js'

const CONTENT_TYPE = 'application/x-amz-json-1.1'
/** The content types the fastify route parses as raw bytes; with parameters (charset) a call goes to fastify. */
const LEAN_TYPES = new Set([CONTENT_TYPE, 'application/json', 'application/x-amz-json-1.0'])

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void

export interface LeanRouteOptions {
  verifier: SignatureVerifier | null
  permissions: BusPermissions | null
  /** Largest body read (fastify's bodyLimit, so both routes refuse the same calls). */
  bodyLimit: number
  /** `http request` debug lines, as src/http/request-log.ts writes them for fastify's routes. */
  logger?: Logger
}

/** Whether the lean route answers this request (else fastify does). */
export function isLeanBusCall (req: IncomingMessage): boolean {
  if (req.method !== 'POST' || req.url !== '/') return false
  const type = req.headers['content-type']
  return type !== undefined && LEAN_TYPES.has(type) && typeof req.headers['x-amz-target'] === 'string'
}

/**
 * Puts the lean route in front of the server's request listeners (fastify's own): a request it
 * does not take is handed to them unchanged.
 */
export function takeBusCallsFirst (server: Server, bus: EventBus, options: LeanRouteOptions): void {
  const others = server.listeners('request') as RequestListener[]
  server.removeAllListeners('request')
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (isLeanBusCall(req)) {
      serveLean(bus, req, res, options)
      return
    }
    for (const listener of others) listener.call(server, req, res)
  })
}

function serveLean (bus: EventBus, req: IncomingMessage, res: ServerResponse, options: LeanRouteOptions): void {
  const started = performance.now()
  const declared = Number(req.headers['content-length'] ?? 0)
  if (declared > options.bodyLimit) {
    tooLarge(req, res)
    return
  }
  let first: Buffer | undefined
  let chunks: Buffer[] | undefined
  let size = 0
  let refused = false
  req.on('data', (chunk: Buffer) => {
    if (refused) return
    size += chunk.length
    if (size > options.bodyLimit) {
      refused = true
      tooLarge(req, res)
      return
    }
    // most calls arrive in one chunk: no copy
    if (first === undefined) first = chunk
    else (chunks ??= [first]).push(chunk)
  })
  req.on('end', () => {
    if (refused) return
    const body = chunks !== undefined ? Buffer.concat(chunks, size) : first ?? Buffer.alloc(0)
    answerBusCall(bus, { method: 'POST', url: '/', headers: req.headers, body }, options.verifier, options.permissions)
      .then(answer => { send(res, answer); logCall(options.logger, req, answer, started) })
      .catch((err: unknown) => {
        // answerBusCall answers every failure itself; this is a bug in writing the answer
        bus.logger?.error({ err }, 'bus API answer could not be written')
        res.destroy()
      })
  })
  // a client that goes away mid-body: nothing was accepted, nothing to answer
  req.on('error', () => { res.destroy() })
}

function send (res: ServerResponse, answer: BusAnswer): void {
  const headers: Record<string, string | number> = {
    'content-type': CONTENT_TYPE,
    'content-length': Buffer.byteLength(answer.body),
    'x-amzn-requestid': answer.requestId,
  }
  if (answer.errorType !== undefined) headers['x-amzn-errortype'] = answer.errorType
  res.writeHead(answer.status, headers)
  res.end(answer.body)
}

/** As fastify's route answers a body over its bodyLimit; the rest of the body is not read: the connection closes. */
function tooLarge (req: IncomingMessage, res: ServerResponse): void {
  const body = JSON.stringify({ __type: BusErrorType.validation, message: 'Request body is over the size limit.' })
  res.writeHead(413, { 'content-type': CONTENT_TYPE, 'content-length': Buffer.byteLength(body), 'x-amzn-errortype': BusErrorType.validation, connection: 'close' })
  res.end(body, () => { req.destroy() })
}

function logCall (logger: Logger | undefined, req: IncomingMessage, answer: BusAnswer, started: number): void {
  if (logger === undefined || !logger.isLevelEnabled('debug')) return
  logger.debug({
    req: answer.requestId,
    method: 'POST',
    url: '/',
    action: req.headers['x-amz-target'],
    status: answer.status,
    ms: Math.round((performance.now() - started) * 1000) / 1000,
  }, 'http request')
}
