// `tributary topic create | list | describe | alter-config | add-partitions | delete | trim`
// over the Kafka admin APIs.
import type { Command } from 'commander'
import { BusClient, IsolationLevel, OffsetTime, TopicAdmin, isDefaultConfig } from '../../client/index.js'
import { integerArg, keyValueArg, listArg, requireTopic } from '../args.js'
import { withContext } from '../context.js'
import { badArgument, UsageError } from '../output/errors.js'
import { parseTime, OffsetSpecError } from '../offset-spec.js'
import { formatBytes } from '../output/bytes.js'

export function registerTopic (program: Command): void {
  const topic = program.command('topic').description('create, list, describe, configure, grow, trim and delete topics')

  topic.command('create')
    .description('create topics')
    .argument('<topics...>', 'topic names')
    .option('-p, --partitions <n>', 'number of partitions', integerArg('--partitions', 1, 100_000), 1)
    .option('-c, --config <key=value>', 'topic config (repeatable), e.g. retention.ms=86400000', keyValueArg('--config'))
    .action(async (names: string[], opts: { partitions: number, config?: Record<string, string> }, cmd: Command) => withContext(cmd, async ctx => {
      const admin = new TopicAdmin(await ctx.kafka())
      for (const name of names) await admin.create(name, opts.partitions, opts.config ?? {})
      ctx.done(`created ${names.map(n => `"${n}"`).join(', ')} with ${opts.partitions} partition${opts.partitions === 1 ? '' : 's'}`,
        names.map(name => ({ name, partitions: opts.partitions, configs: opts.config ?? {} })))
    }))

  topic.command('list')
    .description('list topics')
    .option('-a, --all', 'include internal topics (names starting with "__")')
    .action(async (opts: { all?: boolean }, cmd: Command) => withContext(cmd, async ctx => {
      const metadata = await (await ctx.kafka()).metadata(null)
      const rows = metadata.topics
        .filter(t => opts.all === true || !(t.isInternal || t.name.startsWith('__')))
        .map(t => ({ name: t.name, partitions: t.partitions.length, internal: t.isInternal || t.name.startsWith('__') }))
        .sort((a, b) => a.name.localeCompare(b.name))
      ctx.printList(rows, [
        { header: 'NAME', value: r => r.name },
        { header: 'PARTITIONS', value: r => r.partitions }
      ])
    }))

  topic.command('describe')
    .description('partitions (log start, high watermark, last stable offset, size on disk, segments) and configs that differ from the defaults')
    .argument('<topic>')
    .option('--all-configs', 'show every config, not only those that differ from the defaults')
    .action(async (name: string, opts: { allConfigs?: boolean }, cmd: Command) => withContext(cmd, async ctx => {
      const client = await ctx.kafka()
      const meta = await requireTopic(client, name)
      const admin = new TopicAdmin(client)
      const partitionIds = meta.partitions.map(p => p.partition)
      const starts = await admin.offsets(name, partitionIds, OffsetTime.earliest)
      const ends = await admin.offsets(name, partitionIds, OffsetTime.latest)
      const stable = await admin.offsets(name, partitionIds, OffsetTime.latest, IsolationLevel.readCommitted)
      // DescribeLogDirs carries each partition's size but not its segment count; that comes from
      // the HTTP face's GET /api/topics/:name, and is unknown (null, "-") when nothing answers there
      const logFacts = await new BusClient(ctx.endpoint, 5_000).topicLog(name).catch(() => null)
      const segmentCounts = new Map((logFacts?.partitions ?? []).map(p => [p.partition, p.segments]))
      const sizes = new Map<number, number>()
      for (const dir of await admin.logDirs(new Map([[name, partitionIds]]))) {
        for (const p of dir.partitions) sizes.set(p.partition, (sizes.get(p.partition) ?? 0) + p.sizeBytes)
      }
      const partitions = meta.partitions.map(p => {
        const highWatermark = ends.get(p.partition)?.offset ?? 0
        const lastStableOffset = stable.get(p.partition)?.offset ?? highWatermark
        const logStartOffset = starts.get(p.partition)?.offset ?? 0
        const sizeBytes = sizes.get(p.partition) ?? null
        const segments = segmentCounts.get(p.partition) ?? null
        return { partition: p.partition, leader: p.leaderId, logStartOffset, highWatermark, lastStableOffset, records: highWatermark - logStartOffset, sizeBytes, segments }
      })
      const configs = (await admin.describeConfigs(name)).filter(c => opts.allConfigs === true || !isDefaultConfig(c))
      if (ctx.json) {
        ctx.printJson({ name, internal: meta.isInternal, partitions, configs: Object.fromEntries(configs.map(c => [c.name, c.value])) })
        return
      }
      const totalSize = partitions.reduce((n, p) => n + (p.sizeBytes ?? 0), 0)
      ctx.printFields([['name', name], ['partitions', partitions.length], ['records', partitions.reduce((n, p) => n + p.records, 0)], ['size', formatBytes(totalSize)]])
      ctx.write('\n')
      const showStable = partitions.some(p => p.lastStableOffset !== p.highWatermark)
      ctx.printList(partitions, [
        { header: 'PARTITION', value: p => p.partition },
        { header: 'LEADER', value: p => p.leader },
        { header: 'LOG-START', value: p => p.logStartOffset },
        { header: 'HIGH-WATERMARK', value: p => p.highWatermark },
        ...(showStable ? [{ header: 'LAST-STABLE', value: (p: typeof partitions[number]) => p.lastStableOffset }] : []),
        { header: 'RECORDS', value: p => p.records },
        { header: 'SIZE', value: p => p.sizeBytes === null ? null : formatBytes(p.sizeBytes) },
        { header: 'SEGMENTS', value: p => p.segments }
      ])
      ctx.write('\n')
      if (configs.length === 0) ctx.write(ctx.style.dim('configs: all defaults\n'))
      else ctx.printList(configs, [{ header: 'CONFIG', value: c => c.name }, { header: 'VALUE', value: c => c.sensitive ? '(sensitive)' : c.value }])
    }))

  topic.command('alter-config')
    .description('set or remove (back to the default) topic configs')
    .argument('<topic>')
    .option('-s, --set <key=value>', 'set a config (repeatable)', keyValueArg('--set'))
    .option('-d, --delete <key>', 'remove a config, restoring its default (repeatable)', listArg)
    .action(async (name: string, opts: { set?: Record<string, string>, delete?: string[] }, cmd: Command) => withContext(cmd, async ctx => {
      if (opts.set === undefined && opts.delete === undefined) throw new UsageError('alter-config needs --set key=value or --delete key')
      const client = await ctx.kafka()
      await requireTopic(client, name)
      await new TopicAdmin(client).alterConfigs(name, opts.set ?? {}, opts.delete ?? [])
      ctx.done(`altered configs of "${name}"`, { name, set: opts.set ?? {}, deleted: opts.delete ?? [] })
    }))

  topic.command('add-partitions')
    .description('add partitions to a topic')
    .argument('<topic>')
    .option('-n, --num <n>', 'how many partitions to add', integerArg('--num', 1))
    .option('--total <n>', 'grow to this many partitions in all', integerArg('--total', 1))
    .action(async (name: string, opts: { num?: number, total?: number }, cmd: Command) => withContext(cmd, async ctx => {
      if ((opts.num === undefined) === (opts.total === undefined)) throw new UsageError('add-partitions needs exactly one of --num <n> or --total <n>')
      const client = await ctx.kafka()
      const current = (await requireTopic(client, name)).partitions.length
      const total = opts.total ?? current + opts.num!
      if (total <= current) throw badArgument('--total', `"${name}" already has ${current} partitions; the total must be larger`)
      await new TopicAdmin(client).addPartitions(name, total)
      ctx.done(`"${name}" now has ${total} partitions (was ${current})`, { name, partitions: total, previous: current })
    }))

  topic.command('delete')
    .description('delete topics and all their records')
    .argument('<topics...>')
    .action(async (names: string[], _opts: unknown, cmd: Command) => withContext(cmd, async ctx => {
      const client = await ctx.kafka()
      for (const name of names) await requireTopic(client, name)
      const admin = new TopicAdmin(client)
      for (const name of names) await admin.delete(name)
      ctx.done(`deleted ${names.map(n => `"${n}"`).join(', ')}`, names.map(name => ({ name, deleted: true })))
    }))

  topic.command('trim')
    .description('delete the records before an offset or a time (DeleteRecords); the log start moves up')
    .argument('<topic>')
    .requiredOption('-b, --before <offset|@time>', 'keep records from this offset, or from the first record at or after this time')
    .option('-p, --partition <n>', 'only this partition (default: all)', integerArg('--partition'))
    .action(async (name: string, opts: { before: string, partition?: number }, cmd: Command) => withContext(cmd, async ctx => {
      const before = parseBefore(opts.before)
      const client = await ctx.kafka()
      const meta = await requireTopic(client, name)
      const ids = opts.partition === undefined ? meta.partitions.map(p => p.partition) : [opts.partition]
      if (opts.partition !== undefined && !meta.partitions.some(p => p.partition === opts.partition)) throw badArgument('--partition', `"${name}" has no partition ${opts.partition}`)
      const admin = new TopicAdmin(client)
      const ends = await admin.offsets(name, ids, OffsetTime.latest)
      const targets = new Map<number, number>()
      if (before.kind === 'time') {
        const found = await admin.offsets(name, ids, before.ms)
        for (const id of ids) { const o = found.get(id)?.offset ?? -1; targets.set(id, o < 0 ? ends.get(id)!.offset : o) }
      } else {
        for (const id of ids) targets.set(id, Math.min(before.offset, ends.get(id)!.offset))
      }
      const result = await admin.trim(name, targets)
      const rows = [...result].map(([partition, logStartOffset]) => ({ partition, logStartOffset })).sort((a, b) => a.partition - b.partition)
      ctx.printList(rows, [{ header: 'PARTITION', value: r => r.partition }, { header: 'LOG-START', value: r => r.logStartOffset }])
    }))
}

function parseBefore (text: string): { kind: 'offset', offset: number } | { kind: 'time', ms: number } {
  try {
    if (text.startsWith('@')) return { kind: 'time', ms: parseTime(text.slice(1), Date.now()) }
  } catch (err) {
    if (err instanceof OffsetSpecError) throw badArgument('--before', err.message)
    throw err
  }
  if (!/^\d+$/.test(text)) throw badArgument('--before', `"${text}" is not an offset or @<time>`)
  return { kind: 'offset', offset: Number(text) }
}
