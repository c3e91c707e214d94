// `tributary consume TOPIC...`: read records from where -o says (start, end,
// offsets, or times: the seed's time travel in one flag), optionally as a member of
// a consumer group (-g, committing as it goes), filtered by an EventBridge event
// pattern (--where, the bus's own engine), until -n records, the end of an
// offset or time range, the end offsets seen at start (-e), or Ctrl-C.
import type { Command } from 'commander'
import { Fetcher, GroupAdmin, GroupMember, TopicAdmin, type KafkaClient } from '../../client/index.js'
import { IsolationLevel } from '../../client/admin-topics.js'
import { parsePattern, matchesPattern, InvalidEventPatternError, type CompiledPattern } from '../../bus/pattern/index.js'
import { integerArg, requireTopic, commaListArg } from '../args.js'
import { withContext, type CliContext } from '../context.js'
import { badArgument, CommandFailure } from '../output/errors.js'
import { parseOffsetSpec, OffsetSpecError, type OffsetRange } from '../offset-spec.js'
import { resolveRange } from '../offset-resolve.js'
import { compileFormat, jsonLine, prettyJson, printable, type PrintableRecord, type RecordFormatter } from '../record-format.js'

export interface ConsumeFlags {
  offset?: string
  num?: number
  group?: string
  readCommitted?: boolean
  format?: string
  pretty?: boolean
  where?: string
  exitAtEnd?: boolean
  partitions?: string[]
}

interface Position { topic: string, partition: number, offset: number, until: number | null }

const OFFSET_OUT_OF_RANGE = 1

export function registerConsume (program: Command): void {
  program.command('consume')
    .description('read records from topics (JSON Lines by default; one JSON array with --json)')
    .argument('<topics...>')
    .option('-o, --offset <spec>', 'start | end | N | +N | -N | N:M | @<time> | @<time>:<time> (time: epoch ms/s, RFC 3339, date, -1h, -10m)')
    .option('-n, --num <n>', 'stop after n records', integerArg('--num', 1))
    .option('-g, --group <group>', 'consume as a member of this consumer group, committing offsets')
    .option('--read-committed', 'skip records of aborted and open transactions')
    .option('-f, --format <format>', 'format string: %t topic %p partition %o offset %d timestamp %k key %v value %h headers, \\n')
    .option('--pretty', 'indented JSON, values that are JSON shown as objects')
    .option('--where <pattern>', 'only JSON values matching this EventBridge event pattern')
    .option('-e, --exit-at-end', 'stop at the end offsets seen at start-up (a busy topic still ends)')
    .option('-p, --partitions <list>', 'only these partitions (comma-separated; not with -g)', commaListArg)
    .action(async (topics: string[], flags: ConsumeFlags, cmd: Command) => withContext(cmd, async ctx => await consume(ctx, topics, flags)))
}

/** The body of `consume`, also behind `bus watch` (a bus's events are its topic's records). */
export async function consume (ctx: CliContext, topics: string[], flags: ConsumeFlags): Promise<void> {
  const now = Date.now()
  let range: OffsetRange | undefined
  try {
    range = flags.offset === undefined ? undefined : parseOffsetSpec(flags.offset, now)
  } catch (err) {
    if (err instanceof OffsetSpecError) throw badArgument('-o', err.message)
    throw err
  }
  const pattern = compileWhere(flags.where)
  const format: RecordFormatter = flags.format !== undefined ? compileFormat(flags.format) : flags.pretty === true ? prettyJson : jsonLine
  const partitionFilter = flags.partitions?.map(p => integerArg('--partitions')(p))
  if (partitionFilter !== undefined && flags.group !== undefined) throw badArgument('--partitions', 'a group member reads the partitions the group assigns it; drop -p or -g')
  const client = await ctx.kafka()
  for (const topic of topics) await requireTopic(client, topic)
  const consumer = new Consumer(ctx, client, flags, range, pattern, format)
  const stop = (): void => { consumer.stopping = true }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  try {
    if (flags.group !== undefined) await consumer.runInGroup(flags.group, topics)
    else await consumer.run(await consumer.positionsFor(topics, partitionFilter))
  } finally {
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
  }
  if (consumer.collected !== null) ctx.printJson(consumer.collected)
}

function compileWhere (text: string | undefined): CompiledPattern | null {
  if (text === undefined) return null
  try {
    return parsePattern(text)
  } catch (err) {
    if (err instanceof InvalidEventPatternError || err instanceof SyntaxError) throw badArgument('--where', `not a valid event pattern: ${(err as Error).message}`)
    throw err
  }
}

class Consumer {
  stopping = false
  /** With --json (and no -f): the records, printed as one JSON array when the command ends. */
  readonly collected: PrintableRecord[] | null
  private printed = 0
  private readonly fetcher: Fetcher
  private readonly isolation: number

  constructor (private readonly ctx: CliContext, private readonly client: KafkaClient, private readonly flags: ConsumeFlags,
    private readonly range: OffsetRange | undefined, private readonly pattern: CompiledPattern | null, private readonly format: RecordFormatter) {
    this.fetcher = new Fetcher(client)
    this.isolation = flags.readCommitted === true ? IsolationLevel.readCommitted : IsolationLevel.readUncommitted
    this.collected = ctx.json && flags.format === undefined ? [] : null
  }

  private get done (): boolean {
    return this.stopping || (this.flags.num !== undefined && this.printed >= this.flags.num)
  }

  /** Start and stop offsets for each partition, from -o (default: the start) and -e. */
  async positionsFor (topics: string[], only?: number[], committed = new Map<string, number>()): Promise<Position[]> {
    const admin = new TopicAdmin(this.client)
    const range: OffsetRange = { ...(this.range ?? { from: { kind: 'start' } }) }
    if (range.until === undefined && this.flags.exitAtEnd === true) range.until = { kind: 'end' }
    const out: Position[] = []
    for (const topic of topics) {
      const all = (await this.client.metadata([topic])).topics[0]?.partitions.map(p => p.partition) ?? []
      const partitions = only === undefined ? all : all.filter(p => only.includes(p))
      if (only !== undefined && partitions.length !== only.length) throw badArgument('--partitions', `"${topic}" has partitions 0-${all.length - 1}`)
      if (partitions.length === 0) continue
      for (const r of await resolveRange(admin, topic, partitions, range, this.flags.readCommitted === true)) {
        out.push({ topic, partition: r.partition, offset: committed.get(`${topic}\0${r.partition}`) ?? r.from, until: r.until })
      }
    }
    return out
  }

  /** Reads until every partition reached its stop offset, -n records were printed, or a signal. */
  async run (positions: Position[], afterRound?: () => Promise<boolean>): Promise<void> {
    while (!this.done) {
      const active = positions.filter(p => p.until === null || p.offset < p.until)
      if (active.length === 0) return
      const results = await this.fetcher.fetch(active, { isolation: this.isolation, maxWaitMs: 500 })
      for (const result of results) {
        const position = active.find(p => p.topic === result.topic && p.partition === result.partition)!
        if (result.errorCode === OFFSET_OUT_OF_RANGE) {
          // Trimmed or deleted under us: carry on from the new log start.
          position.offset = Math.max(result.logStartOffset, 0)
          continue
        }
        if (result.errorCode !== 0) throw new CommandFailure(`fetching ${result.topic}/${result.partition} failed with Kafka error code ${result.errorCode}`)
        for (const record of result.records) {
          if (this.done) break
          if (position.until !== null && record.offset >= position.until) break
          position.offset = record.offset + 1
          if (!this.matches(record.value)) continue
          if (this.collected !== null) this.collected.push(printable(record))
          else await this.print(this.format(printable(record)))
          this.printed++
        }
        if (!this.done) position.offset = Math.max(position.offset, position.until === null ? result.nextOffset : Math.min(result.nextOffset, position.until))
      }
      if (afterRound !== undefined && !(await afterRound())) return
    }
  }

  async runInGroup (groupId: string, topics: string[]): Promise<void> {
    const member = new GroupMember(this.client, groupId, topics)
    const admin = new GroupAdmin(this.client)
    let positions: Position[] = []
    const assign = async (): Promise<void> => {
      const assignment = await member.join()
      const wanted = Object.entries(assignment).map(([topic, partitions]) => ({ topic, partitions }))
      const committed = new Map((await admin.committed(groupId, wanted)).map(c => [`${c.topic}\0${c.partition}`, c.offset]))
      positions = []
      for (const { topic, partitions } of wanted) positions.push(...await this.positionsFor([topic], partitions, committed))
    }
    const commit = async (): Promise<void> => {
      await member.commit(positions.map(p => ({ topic: p.topic, partition: p.partition, offset: p.offset })))
    }
    await assign()
    try {
      for (;;) {
        await this.run(positions, async () => {
          await commit().catch(() => {})
          return !member.rejoinNeeded
        })
        if (this.done || !member.rejoinNeeded) break
        await assign()
      }
      await commit()
    } finally {
      await member.leave().catch(() => {})
    }
  }

  private matches (value: Buffer | null): boolean {
    if (this.pattern === null) return true
    if (value === null) return false
    let event: unknown
    try {
      event = JSON.parse(value.toString('utf8'))
    } catch {
      return false // only JSON values can match a pattern
    }
    return event !== null && typeof event === 'object' && !Array.isArray(event) && matchesPattern(this.pattern, event)
  }

  private async print (text: string): Promise<void> {
    if (!this.ctx.stdout.write(text)) await new Promise(resolve => this.ctx.stdout.once('drain', resolve))
  }
}
