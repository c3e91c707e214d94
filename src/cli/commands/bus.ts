// `tributary bus put-events | list-buses | rules | describe-rule | targets |
// test-pattern | archives | replay | watch`: the bus API (AWS JSON 1.1 over HTTP),
// and `watch`, which follows a bus's own topic over the Kafka protocol.
import { readFileSync } from 'node:fs'
import type { Command } from 'commander'
import { parsePattern, InvalidEventPatternError } from '../../bus/pattern/index.js'
import { commaListArg, integerArg } from '../args.js'
import { withContext } from '../context.js'
import type { JsonObject } from '../../client/bus-client.js'
import { badArgument, CommandFailure } from '../output/errors.js'
import { explainMatch } from '../pattern-explain.js'
import { registerBusReplay } from './bus-replay.js'
import { registerBusServe } from './bus-serve.js'
import { registerBusTransfer } from './bus-transfer.js'
import { consume } from './consume.js'

export function registerBus (program: Command): void {
  const bus = program.command('bus').description('the event bus: events, buses, rules, targets, patterns, archives and replays; with --kafka, run the bus API on a Kafka cluster')
  registerBusServe(bus)

  bus.command('put-events')
    .description('send events (one from flags, or a JSON array of PutEvents entries from --entries)')
    .option('--bus <name>', 'event bus name or ARN', 'default')
    .option('-s, --source <source>', 'event source, e.g. com.example.orders')
    .option('-t, --detail-type <type>', 'event detail-type, e.g. OrderPlaced')
    .option('-d, --detail <json>', 'event detail: a JSON object', '{}')
    .option('-r, --resources <arns>', 'resource ARNs (comma-separated)', commaListArg)
    .option('--entries <file>', 'JSON file: an array of {Source, DetailType, Detail, ...} entries ("-" for stdin)')
    .action(async (opts: { bus: string, source?: string, detailType?: string, detail: string, resources?: string[], entries?: string }, cmd: Command) => withContext(cmd, async ctx => {
      const entries = opts.entries !== undefined ? readEntries(opts.entries, opts.bus) : [singleEntry(opts)]
      const results: Array<{ index: number, eventId: string | null, errorCode: string | null, errorMessage: string | null }> = []
      for (let start = 0; start < entries.length; start += 10) { // PutEvents takes at most 10 entries
        const chunk = entries.slice(start, start + 10)
        const answer = await ctx.bus().call('PutEvents', { Entries: chunk })
        if (!Array.isArray(answer.Entries)) throw new CommandFailure('PutEvents: the bus API answered without Entries')
        answer.Entries.forEach((e: unknown, i: number) => results.push({ index: start + i, eventId: stringOrNull(field(e, 'EventId')), errorCode: stringOrNull(field(e, 'ErrorCode')), errorMessage: stringOrNull(field(e, 'ErrorMessage')) }))
        ctx.progress.update(`sent ${Math.min(start + 10, entries.length)} of ${entries.length} events`)
      }
      ctx.progress.done()
      ctx.printList(results, [
        { header: 'ENTRY', value: r => r.index },
        { header: 'EVENT-ID', value: r => r.eventId },
        { header: 'ERROR', value: r => r.errorCode === null ? null : ctx.style.red(`${r.errorCode}: ${r.errorMessage ?? ''}`) }
      ])
      const failed = results.filter(r => r.errorCode !== null).length
      if (failed > 0) throw new CommandFailure(`${failed} of ${results.length} events were not accepted`)
    }))

  bus.command('list-buses')
    .description('list event buses')
    .action(async (_opts: unknown, cmd: Command) => withContext(cmd, async ctx => {
      const buses = await ctx.bus().listAll<JsonObject>('ListEventBuses', 'EventBuses')
      ctx.printList(buses, [{ header: 'NAME', value: b => cell(b.Name) }, { header: 'ARN', value: b => cell(b.Arn) }])
    }))

  bus.command('rules')
    .description('list the rules of a bus')
    .option('--bus <name>', 'event bus name or ARN', 'default')
    .option('--prefix <prefix>', 'only rules whose name starts with this')
    .action(async (opts: { bus: string, prefix?: string }, cmd: Command) => withContext(cmd, async ctx => {
      const rules = await ctx.bus().listAll<JsonObject>('ListRules', 'Rules', { EventBusName: opts.bus, ...(opts.prefix !== undefined ? { NamePrefix: opts.prefix } : {}) })
      ctx.printList(rules, [
        { header: 'NAME', value: r => cell(r.Name) },
        { header: 'STATE', value: r => typeof r.State !== 'string' ? cell(r.State) : r.State === 'ENABLED' ? ctx.style.green(r.State) : ctx.style.yellow(r.State) },
        { header: 'PATTERN / SCHEDULE', value: r => cell(r.EventPattern ?? r.ScheduleExpression) }
      ])
    }))

  bus.command('describe-rule')
    .description('one rule: pattern, schedule, state and its targets')
    .argument('<rule>')
    .option('--bus <name>', 'event bus name or ARN', 'default')
    .action(async (name: string, opts: { bus: string }, cmd: Command) => withContext(cmd, async ctx => {
      const rule = await ctx.bus().call('DescribeRule', { Name: name, EventBusName: opts.bus })
      const targets = await ctx.bus().listAll<JsonObject>('ListTargetsByRule', 'Targets', { Rule: name, EventBusName: opts.bus })
      if (ctx.json) { ctx.printJson({ ...rule, Targets: targets }); return }
      ctx.printFields([['name', cell(rule.Name)], ['arn', cell(rule.Arn)], ['bus', cell(rule.EventBusName)], ['state', cell(rule.State)], ['pattern', cell(rule.EventPattern)], ['schedule', cell(rule.ScheduleExpression)], ['description', cell(rule.Description)], ['targets', targets.length]])
    }))

  bus.command('targets')
    .description('the targets of a rule')
    .argument('<rule>')
    .option('--bus <name>', 'event bus name or ARN', 'default')
    .action(async (name: string, opts: { bus: string }, cmd: Command) => withContext(cmd, async ctx => {
      const targets = await ctx.bus().listAll<JsonObject>('ListTargetsByRule', 'Targets', { Rule: name, EventBusName: opts.bus })
      ctx.printList(targets, [
        { header: 'ID', value: t => cell(t.Id) },
        { header: 'ARN', value: t => cell(t.Arn) },
        { header: 'DEAD-LETTER', value: t => cell(field(t.DeadLetterConfig, 'Arn')) },
        { header: 'RETRIES', value: t => cell(field(t.RetryPolicy, 'MaximumRetryAttempts')), align: 'right' }
      ])
    }))

  bus.command('test-pattern')
    .description('does a pattern match an event? says which fields matched or why not')
    .argument('<pattern>', 'event pattern JSON, or @file')
    .argument('<event>', 'event JSON, or @file (missing envelope fields such as id and time are filled in)')
    .action(async (patternArg: string, eventArg: string, _opts: unknown, cmd: Command) => withContext(cmd, async ctx => {
      const patternText = readArg(patternArg, 'pattern')
      try {
        parsePattern(patternText)
      } catch (err) {
        if (err instanceof InvalidEventPatternError) throw badArgument('pattern', err.message)
        throw err
      }
      const { event, filled } = envelope(readArg(eventArg, 'event'))
      const answer = await ctx.bus().call('TestEventPattern', { EventPattern: patternText, Event: JSON.stringify(event) })
      const fields = explainMatch(JSON.parse(patternText), event)
      if (ctx.json) { ctx.printJson({ matched: answer.Result === true, fields, filledIn: filled }); return }
      ctx.write(answer.Result === true ? `${ctx.style.green('match')}\n` : `${ctx.style.red('no match')}\n`)
      for (const f of fields) {
        const seen = f.eventValue === undefined ? 'the event has no such field' : `event has ${JSON.stringify(f.eventValue)}`
        ctx.write(`  ${f.matched ? ctx.style.green('✓') : ctx.style.red('✗')} ${f.field}: pattern ${JSON.stringify(f.pattern)}, ${seen}\n`)
      }
      if (filled.length > 0) ctx.write(ctx.style.dim(`  (filled in: ${filled.join(', ')})\n`))
    }))

  bus.command('archives')
    .description('list archives')
    .action(async (_opts: unknown, cmd: Command) => withContext(cmd, async ctx => {
      const archives = await ctx.bus().listAll<JsonObject>('ListArchives', 'Archives')
      ctx.printList(archives, [
        { header: 'NAME', value: a => cell(a.ArchiveName) },
        { header: 'STATE', value: a => cell(a.State) },
        { header: 'SOURCE', value: a => cell(a.EventSourceArn) },
        { header: 'EVENTS', value: a => cell(a.EventCount), align: 'right' },
        { header: 'BYTES', value: a => cell(a.SizeBytes), align: 'right' },
        { header: 'RETENTION-DAYS', value: a => cell(a.RetentionDays), align: 'right' }
      ])
    }))

  registerBusReplay(bus)
  registerBusTransfer(bus)

  bus.command('watch')
    .description('follow the events arriving on a bus (over the Kafka protocol), optionally filtered by a pattern')
    .option('--bus <name>', 'event bus name', 'default')
    .option('--pattern <json>', 'only events matching this event pattern')
    .option('-o, --offset <spec>', 'where to start: end (default), start, or any consume -o form', 'end')
    .option('-n, --num <n>', 'stop after n events', integerArg('--num', 1))
    .action(async (opts: { bus: string, pattern?: string, offset: string, num?: number }, cmd: Command) => withContext(cmd, async ctx => {
      // The bus's events live in the topic "bus.<name>": watching is consuming it.
      const metadata = await (await ctx.kafka()).metadata([`bus.${opts.bus}`])
      if (metadata.topics[0]?.errorCode !== 0) throw new CommandFailure(`bus "${opts.bus}" does not exist (see \`tributary bus list-buses\`)`)
      await consume(ctx, [`bus.${opts.bus}`], { offset: opts.offset, pretty: true, ...(opts.pattern !== undefined ? { where: opts.pattern } : {}), ...(opts.num !== undefined ? { num: opts.num } : {}) })
    }))
}

/** `value[key]` when `value` is a JSON object from the bus API, else undefined (as `?.` reads it). */
function field (value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' ? (value as JsonObject)[key] : undefined
}

/** A JSON value as a table or field cell: strings and numbers as they are, null and absent as "-", the rest as text. */
function cell (value: unknown): string | number | null | undefined {
  if (value === null || value === undefined || typeof value === 'string' || typeof value === 'number') return value
  return String(value)
}

function stringOrNull (value: unknown): string | null {
  return typeof value === 'string' ? value : null
}

function readArg (text: string, what: string): string {
  if (!text.startsWith('@')) return text
  try {
    return readFileSync(text.slice(1), 'utf8')
  } catch (err) {
    throw badArgument(what, `cannot read ${text.slice(1)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
  }
}

function envelope (text: string): { event: Record<string, unknown>, filled: string[] } {
  let event: unknown
  try {
    event = JSON.parse(text)
  } catch (err) {
    throw badArgument('event', `not JSON: ${(err as Error).message}`)
  }
  if (event === null || typeof event !== 'object' || Array.isArray(event)) throw badArgument('event', 'must be a JSON object')
  const defaults: Record<string, unknown> = { id: '00000000-0000-0000-0000-000000000000', account: '000000000000', source: 'tributary.cli', 'detail-type': 'test', time: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), region: 'us-east-1' }
  const filled = Object.keys(defaults).filter(k => (event as Record<string, unknown>)[k] === undefined)
  return { event: { ...Object.fromEntries(filled.map(k => [k, defaults[k]])), ...event }, filled }
}

function singleEntry (opts: { bus: string, source?: string, detailType?: string, detail: string, resources?: string[] }): Record<string, unknown> {
  if (opts.source === undefined) throw badArgument('--source', 'an event needs --source (or use --entries <file>)')
  if (opts.detailType === undefined) throw badArgument('--detail-type', 'an event needs --detail-type (or use --entries <file>)')
  let detail: unknown
  try {
    detail = JSON.parse(opts.detail)
  } catch {
    throw badArgument('--detail', `"${opts.detail}" is not JSON`)
  }
  if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) throw badArgument('--detail', 'must be a JSON object')
  return { Source: opts.source, DetailType: opts.detailType, Detail: opts.detail, EventBusName: opts.bus, ...(opts.resources !== undefined ? { Resources: opts.resources } : {}) }
}

function readEntries (file: string, busName: string): Array<Record<string, unknown>> {
  let text: string
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8')
  } catch (err) {
    throw badArgument('--entries', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
  }
  let entries: unknown
  try {
    entries = JSON.parse(text)
  } catch (err) {
    throw badArgument('--entries', `${file} is not JSON: ${(err as Error).message}`)
  }
  if (!Array.isArray(entries) || entries.some(e => e === null || typeof e !== 'object')) throw badArgument('--entries', `${file} must hold a JSON array of entry objects`)
  return entries.map(e => ({ EventBusName: busName, ...e, ...(typeof e.Detail === 'object' && e.Detail !== null ? { Detail: JSON.stringify(e.Detail) } : {}) }))
}
