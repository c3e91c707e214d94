// Consumer groups for the console: state, members and their assignments, lag
// per partition now (the CLI's groupLag, over the broker's own APIs) and over
// the last 15 minutes (the console history), and an offset reset for a group
// without members, committed as an admin OffsetCommit like `kafka-consumer-groups
// --reset-offsets` does.
import type { FastifyInstance } from 'fastify'
import { GroupAdmin } from '../../client/admin-groups.js'
import { OffsetTime, TopicAdmin } from '../../client/admin-topics.js'
import type { Assignment } from '../../client/consumer-protocol.js'
import { groupLag } from '../../cli/group-lag.js'
import type { ConsoleHistory } from './history.js'
import { badRequest, parseIntParam, parseTime, sendError, type ConsoleKafka } from './common.js'

interface ResetBody { topic?: unknown, to?: unknown, timestamp?: unknown, offset?: unknown, partitions?: unknown }

export function registerGroupRoutes (app: FastifyInstance, history: ConsoleHistory, kafka: ConsoleKafka): void {
  app.get('/api/console/groups', async (_req, reply) => {
    try {
      return await kafka.use(async client => {
        const admin = new GroupAdmin(client)
        const latest = history.samples().at(-1)?.lag ?? {}
        const out = []
        for (const g of await admin.list()) {
          const d = await admin.describe(g.groupId)
          const lag = Object.values(latest[g.groupId] ?? {}).reduce((n, v) => n + v, 0)
          out.push({ groupId: g.groupId, state: d.state, protocolType: d.protocolType, members: d.members.length, lag })
        }
        return out
      })
    } catch (err) {
      return await sendError(reply, err)
    }
  })

  app.get<{ Params: { id: string } }>('/api/console/groups/:id', async (req, reply) => {
    try {
      const { id } = req.params
      return await kafka.use(async client => {
        const group = await new GroupAdmin(client).describe(id)
        const assigned: Assignment = {}
        for (const m of group.members) {
          for (const [topic, partitions] of Object.entries(m.assignment)) assigned[topic] = [...(assigned[topic] ?? []), ...partitions]
        }
        const lag = await groupLag(client, id, assigned)
        const lagHistory = history.samples().map(s => ({ t: s.t, lag: s.lag[id] ?? {} }))
        return { ...group, lag, lagHistory }
      })
    } catch (err) {
      return await sendError(reply, err)
    }
  })

  app.post<{ Params: { id: string }, Body: ResetBody }>('/api/console/groups/:id/reset', async (req, reply) => {
    try {
      const { id } = req.params
      const body = req.body ?? {}
      if (typeof body.topic !== 'string' || body.topic === '') throw badRequest('topic is required')
      const topic = body.topic
      const to = body.to
      if (to !== 'earliest' && to !== 'latest' && to !== 'timestamp' && to !== 'offset') throw badRequest('to must be earliest, latest, timestamp or offset')
      const timestamp = to === 'timestamp' ? parseTime(body.timestamp, 'timestamp') : null
      const offset = to === 'offset' ? parseIntParam(body.offset, 'offset') : null
      return await kafka.use(async client => {
        const group = await new GroupAdmin(client).describe(id)
        if (group.members.length > 0) {
          return await reply.code(409).send({ code: 'NON_EMPTY_GROUP', message: `group ${id} has ${group.members.length} member(s); offsets can be reset only while no consumer is in the group` })
        }
        const metadata = await client.metadata([topic])
        const all = metadata.topics[0]?.partitions.map(p => p.partition) ?? []
        if (all.length === 0) throw badRequest(`topic ${topic} does not exist`)
        const partitions = Array.isArray(body.partitions) ? body.partitions.map(p => parseIntParam(p, 'partitions[]')) : all
        const admin = new TopicAdmin(client)
        const earliest = await admin.offsets(topic, partitions, OffsetTime.earliest)
        const latest = await admin.offsets(topic, partitions, OffsetTime.latest)
        const atTime = timestamp !== null ? await admin.offsets(topic, partitions, timestamp) : null
        const offsets = partitions.map(partition => {
          const start = earliest.get(partition)?.offset ?? 0
          const end = latest.get(partition)?.offset ?? start
          let target = to === 'earliest' ? start : end
          if (offset !== null) target = Math.min(Math.max(offset, start), end)
          if (atTime !== null) { const found = atTime.get(partition)?.offset ?? -1; target = found < 0 ? end : found }
          return { topic, partition, offset: target }
        })
        await new GroupAdmin(client).commit(id, offsets)
        return { groupId: id, offsets }
      })
    } catch (err) {
      return await sendError(reply, err)
    }
  })
}
