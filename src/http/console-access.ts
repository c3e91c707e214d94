// What each console and /api/* endpoint asks of the Kafka ACLs, so a user
// logged in over HTTP (./auth.ts) may do in the console exactly what the same
// principal may do over the Kafka protocol: the same Authorizer, the same
// operations as the Kafka APIs the endpoint stands for (CreateTopics,
// DeleteTopics, AlterConfigs, CreatePartitions, Fetch, Produce, OffsetCommit,
// DescribeGroups, Metadata). Lists show only what the user may describe, as
// Metadata hides topics. A refusal is a 403 with the Kafka error name and a
// sentence the page shows.
//
// Every route must have an entry here or in AUTHENTICATED_ONLY: with
// http.auth on, the HTTP face refuses to start with a route this table does
// not know (as the Kafka face does with request-rules.ts), so a new endpoint
// cannot slip past. Authenticated-only endpoints: the page and its files,
// the metric history and stream (what /metrics serves openly), and the bus
// views, whose actions are bus API calls governed by bus.credentials.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AclOperation as Op, CLUSTER_NAME, ResourceType as R } from '../broker/acl/acl-model.js'
import type { Authorizer } from '../broker/acl/authorizer.js'
import { isOpenEndpoint } from './auth.js'
import { TributaryError, TributaryErrorCode } from '../errors.js'

type Params = Record<string, string | undefined>
type Body = Record<string, unknown> | undefined
/** One check an endpoint needs: operation on a resource, and how a refusal is named. */
interface Need { op: number, type: number, name: string }
type Rule = (params: Params, body: Body) => Need[]

const str = (value: unknown, fallback = ''): string => typeof value === 'string' && value !== '' ? value : fallback
const topic = (op: number, name: string): Need => ({ op, type: R.TOPIC, name })
const group = (op: number, name: string): Need => ({ op, type: R.GROUP, name })

const RULES: Record<string, Rule> = {
  'GET /api/topics/:name': p => [topic(Op.DESCRIBE, str(p.name))],
  'POST /api/console/topics': (_p, b) => [topic(Op.CREATE, str(b?.name))],
  'GET /api/console/topics/:name/configs': p => [topic(Op.DESCRIBE_CONFIGS, str(p.name))],
  'PATCH /api/console/topics/:name/configs': p => [topic(Op.ALTER_CONFIGS, str(p.name))],
  'POST /api/console/topics/:name/partitions': p => [topic(Op.ALTER, str(p.name))],
  'DELETE /api/console/topics/:name': p => [topic(Op.DELETE, str(p.name))],
  'GET /api/console/topics/:name/messages': p => [topic(Op.READ, str(p.name))],
  'POST /api/console/topics/:name/republish': (p, b) => [topic(Op.READ, str(p.name)), topic(Op.WRITE, str(b?.toTopic, str(p.name)))],
  'GET /api/console/groups/:id': p => [group(Op.DESCRIBE, str(p.id))],
  'POST /api/console/groups/:id/reset': (p, b) => [group(Op.READ, str(p.id)), topic(Op.READ, str(b?.topic))],
  // lists: every user may ask; the answer is filtered (LIST_FILTERS)
  'GET /api/console/topics': () => [],
  'GET /api/console/groups': () => []
}

/** Lists filtered to what the principal may describe: route → the resource of one row. */
const LIST_FILTERS: Record<string, (row: Record<string, unknown>) => Need> = {
  'GET /api/console/topics': row => topic(Op.DESCRIBE, str(row.name)),
  'GET /api/console/groups': row => group(Op.DESCRIBE, str(row.groupId))
}

const AUTHENTICATED_ONLY = new Set([
  'GET /', 'GET /console/:file', 'GET /api/console/history', 'GET /api/console/stream',
  'GET /api/console/bus', 'POST /api/console/bus/test-pattern', 'GET /api/console/bus/trace/:eventId'
])

const ERROR_NAMES: Record<number, string> = { [R.TOPIC]: 'TOPIC_AUTHORIZATION_FAILED', [R.GROUP]: 'GROUP_AUTHORIZATION_FAILED', [R.CLUSTER]: 'CLUSTER_AUTHORIZATION_FAILED' }
const OP_NAMES: Record<number, string> = {
  [Op.READ]: 'read',
  [Op.WRITE]: 'write',
  [Op.CREATE]: 'create',
  [Op.DELETE]: 'delete',
  [Op.ALTER]: 'alter',
  [Op.DESCRIBE]: 'describe',
  [Op.DESCRIBE_CONFIGS]: 'describe the configs of',
  [Op.ALTER_CONFIGS]: 'alter the configs of'
}
const TYPE_NAMES: Record<number, string> = { [R.TOPIC]: 'topic', [R.GROUP]: 'group', [R.CLUSTER]: 'cluster' }

/** The client's IP address as the ACLs' host filters name it. */
function hostOf (request: FastifyRequest): string {
  const ip = request.ip
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice('::ffff:'.length) : ip
}

/**
 * Checks each route's needs for request.principal (set by ./auth.ts). Must be
 * registered before the routes (it watches them being added).
 */
export function registerConsoleAccess (app: FastifyInstance, authorizer: Authorizer): void {
  const unknownRoutes: string[] = []
  app.addHook('onRoute', route => {
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    for (const method of methods) {
      if (method === 'HEAD' || method === 'OPTIONS') continue
      const key = `${method} ${route.url}`
      if (!isOpenEndpoint(method, route.url) && RULES[key] === undefined && !AUTHENTICATED_ONLY.has(key)) unknownRoutes.push(key)
    }
  })
  app.addHook('onReady', async () => {
    if (unknownRoutes.length > 0) throw new TributaryError(TributaryErrorCode.CONFIG, `http.auth is on but these endpoints have no access rule (src/http/console-access.ts): ${unknownRoutes.join(', ')}`)
  })
  const allowed = (request: FastifyRequest, need: Need): boolean => {
    const who = { principal: request.principal ?? '', host: hostOf(request) }
    // Kafka's CreateTopics: CREATE on the cluster or on the topic
    if (need.op === Op.CREATE && need.type === R.TOPIC && authorizer.authorize(who, Op.CREATE, R.CLUSTER, CLUSTER_NAME)) return true
    return authorizer.authorize(who, need.op, need.type, need.name)
  }
  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.principal === undefined) return
    const rule = RULES[`${request.method} ${request.routeOptions.url ?? ''}`]
    if (rule === undefined) return
    for (const need of rule(request.params as Params, request.body as Body)) {
      if (allowed(request, need)) continue
      await reply.code(403).send({
        code: ERROR_NAMES[need.type] ?? 'AUTHORIZATION_FAILED',
        message: `${request.principal} may not ${OP_NAMES[need.op] ?? 'use'} ${TYPE_NAMES[need.type] ?? 'resource'} ${need.name} (no ACL allows it; ask an operator for one)`
      })
      return reply
    }
  })
  app.addHook('preSerialization', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const filter = LIST_FILTERS[`${request.method} ${request.routeOptions.url ?? ''}`]
    if (request.principal === undefined || filter === undefined || !Array.isArray(payload) || reply.statusCode !== 200) return payload
    return (payload as Array<Record<string, unknown>>).filter(row => allowed(request, filter(row)))
  })
}
