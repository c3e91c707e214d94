// `tributary group list | describe | seek | delete`: consumer groups, their members
// and assignments, and how far behind they are.
import type { Command } from 'commander'
import { GroupAdmin, KafkaResponseError, TopicAdmin } from '../../client/index.js'
import { commaListArg, requireTopic } from '../args.js'
import { withContext } from '../context.js'
import { badArgument, CommandFailure } from '../output/errors.js'
import { groupLag } from '../group-lag.js'
import { parseOffsetSpec, OffsetSpecError, type OffsetRange } from '../offset-spec.js'
import { resolveRange } from '../offset-resolve.js'

const GROUP_ID_NOT_FOUND = 69
const NON_EMPTY_GROUP = 68

export function registerGroup (program: Command): void {
  const group = program.command('group').description('list, describe, seek and delete consumer groups')

  group.command('list')
    .description('list consumer groups')
    .action(async (_opts: unknown, cmd: Command) => withContext(cmd, async ctx => {
      const groups = await new GroupAdmin(await ctx.kafka()).list()
      ctx.printList(groups, [
        { header: 'GROUP', value: g => g.groupId },
        { header: 'STATE', value: g => g.state },
        { header: 'PROTOCOL-TYPE', value: g => g.protocolType }
      ])
    }))

  group.command('describe')
    .description('state, members and their assignments, committed offsets and lag per partition')
    .argument('<group>')
    .action(async (groupId: string, _opts: unknown, cmd: Command) => withContext(cmd, async ctx => {
      const client = await ctx.kafka()
      const description = await new GroupAdmin(client).describe(groupId)
      const assigned: Record<string, number[]> = {}
      for (const m of description.members) for (const [t, ps] of Object.entries(m.assignment)) assigned[t] = [...(assigned[t] ?? []), ...ps]
      const offsets = await groupLag(client, groupId, assigned)
      if (description.state === 'Dead' || (description.state === 'Empty' && description.members.length === 0 && offsets.length === 0)) {
        throw new CommandFailure(`group "${groupId}" does not exist (see \`tributary group list\`)`)
      }
      const totalLag = offsets.reduce((n, o) => n + (o.lag ?? 0), 0)
      const members = description.members.map(m => ({ memberId: m.memberId, clientId: m.clientId, host: m.clientHost, assignment: m.assignment }))
      if (ctx.json) {
        ctx.printJson({ groupId, state: description.state, protocolType: description.protocolType, protocol: description.protocol, members, offsets, totalLag })
        return
      }
      ctx.printFields([['group', groupId], ['state', description.state], ['protocol', `${description.protocolType || '-'}/${description.protocol || '-'}`], ['members', members.length], ['total lag', totalLag]])
      if (members.length > 0) {
        ctx.write('\n')
        ctx.printList(members, [
          { header: 'MEMBER-ID', value: m => m.memberId },
          { header: 'CLIENT-ID', value: m => m.clientId },
          { header: 'HOST', value: m => m.host },
          { header: 'ASSIGNMENT', value: m => Object.entries(m.assignment).map(([t, ps]) => `${t}:${ps.join(',')}`).join(' ') || '-' }
        ])
      }
      ctx.write('\n')
      ctx.printList(offsets, [
        { header: 'TOPIC', value: o => o.topic },
        { header: 'PARTITION', value: o => o.partition },
        { header: 'COMMITTED', value: o => o.committed, align: 'right' },
        { header: 'END', value: o => o.end },
        { header: 'LAG', value: o => o.lag === null ? null : o.lag > 0 ? ctx.style.yellow(String(o.lag)) : o.lag, align: 'right' },
        { header: 'LAG-SECONDS', value: o => o.lagSeconds, align: 'right' }
      ])
    }))

  group.command('seek')
    .description('move a group\'s committed offsets (only while it has no members)')
    .argument('<group>')
    .requiredOption('--to <where>', 'start | end | @<time> | <offset> (also +N, -N)')
    .option('--topics <list>', 'topics to move (comma-separated; default: every topic the group has committed for)', commaListArg)
    .action(async (groupId: string, opts: { to: string, topics?: string[] }, cmd: Command) => withContext(cmd, async ctx => {
      let range: OffsetRange
      try {
        range = parseOffsetSpec(opts.to, Date.now())
      } catch (err) {
        if (err instanceof OffsetSpecError) throw badArgument('--to', err.message)
        throw err
      }
      if (range.until !== undefined) throw badArgument('--to', `"${opts.to}" is a range; seek takes one position`)
      const client = await ctx.kafka()
      const admin = new GroupAdmin(client)
      const description = await admin.describe(groupId)
      if (description.members.length > 0) {
        throw new CommandFailure(`group "${groupId}" has ${description.members.length} active member${description.members.length === 1 ? '' : 's'} (state ${description.state}): stop its consumers before seeking`)
      }
      const committedTopics = [...new Set((await admin.committed(groupId)).map(c => c.topic))]
      const topics = opts.topics ?? committedTopics
      if (topics.length === 0) throw new CommandFailure(`group "${groupId}" has no committed offsets: name the topics to seek with --topics`)
      const moved: Array<{ topic: string, partition: number, offset: number }> = []
      for (const topic of topics) {
        const meta = await requireTopic(client, topic)
        const ranges = await resolveRange(new TopicAdmin(client), topic, meta.partitions.map(p => p.partition), range)
        moved.push(...ranges.map(r => ({ topic, partition: r.partition, offset: r.from })))
      }
      await admin.commit(groupId, moved)
      ctx.printList(moved, [
        { header: 'TOPIC', value: m => m.topic },
        { header: 'PARTITION', value: m => m.partition },
        { header: 'OFFSET', value: m => m.offset }
      ])
    }))

  group.command('delete')
    .description('delete a group and its committed offsets (only while it has no members)')
    .argument('<group>')
    .action(async (groupId: string, _opts: unknown, cmd: Command) => withContext(cmd, async ctx => {
      try {
        await new GroupAdmin(await ctx.kafka()).delete(groupId)
      } catch (err) {
        if (err instanceof KafkaResponseError && err.errorCode === GROUP_ID_NOT_FOUND) throw new CommandFailure(`group "${groupId}" does not exist (see \`tributary group list\`)`)
        if (err instanceof KafkaResponseError && err.errorCode === NON_EMPTY_GROUP) throw new CommandFailure(`group "${groupId}" has active members: stop its consumers before deleting it`)
        throw err
      }
      ctx.done(`deleted group "${groupId}"`, { groupId, deleted: true })
    }))
}
