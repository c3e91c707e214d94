// `tributary produce TOPIC [VALUE...]`: values from arguments, stdin (one per
// line) or a file; with --jsonl each line is {"key", "value", "headers",
// "partition", "timestamp"}. Records go in batches of up to --batch records,
// each batch one Produce request; the partition and offset of every record are
// printed (or a summary with -q).
import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import type { Command } from 'commander'
import { CompressionNames, Producer, type ProduceRecord, type ProducedRecord } from '../../client/index.js'
import { choiceArg, integerArg, keyValueArg, requireTopic } from '../args.js'
import { withContext, type CliContext } from '../context.js'
import { badArgument, CommandFailure, UsageError } from '../output/errors.js'

interface ProduceFlags {
  key?: string
  header?: Record<string, string>
  partition?: number
  tombstone?: boolean
  compression: typeof CompressionNames[number]
  acks: string
  file?: string
  jsonl?: boolean
  timestamp?: number
  quiet?: boolean
  batch: number
}

export function registerProduce (program: Command): void {
  program.command('produce')
    .description('write records to a topic from arguments, stdin (one per line) or a file')
    .argument('<topic>')
    .argument('[values...]', 'record values (default: read lines from --file or stdin)')
    .option('-k, --key <key>', 'key of every record')
    .option('-H, --header <key=value>', 'header on every record (repeatable)', keyValueArg('--header'))
    .option('-p, --partition <n>', 'partition (default: by key, round-robin without one)', integerArg('--partition'))
    .option('--tombstone', 'write one record with a null value (needs -k): deletes the key under compaction')
    .option('-z, --compression <codec>', `compression: ${CompressionNames.join(', ')}`, choiceArg('--compression', CompressionNames), 'none')
    .option('--acks <acks>', 'acknowledgements: 0, 1, -1 or all', 'all')
    .option('-F, --file <path>', 'read values (or JSON Lines with --jsonl) from this file')
    .option('-J, --jsonl', 'each input line is {"key","value","headers","partition","timestamp"}')
    .option('-t, --timestamp <ms>', 'record timestamp in epoch ms (default: now)', integerArg('--timestamp'))
    .option('-q, --quiet', 'print only a summary')
    .option('--batch <n>', 'records per request', integerArg('--batch', 1, 100_000), 500)
    .action(async (topic: string, values: string[], flags: ProduceFlags, cmd: Command) => withContext(cmd, async ctx => {
      const acks = parseAcks(flags.acks)
      if (flags.tombstone === true && flags.key === undefined) throw new UsageError('--tombstone needs -k <key>: a tombstone deletes a key')
      if (flags.tombstone === true && values.length > 0) throw new UsageError('--tombstone writes a null value: give no values with it')
      if (flags.file !== undefined && values.length > 0) throw new UsageError('give values as arguments or --file, not both')
      const client = await ctx.kafka()
      const partitions = (await requireTopic(client, topic)).partitions.length
      if (flags.partition !== undefined && flags.partition >= partitions) throw badArgument('--partition', `"${topic}" has no partition ${flags.partition} (it has ${partitions})`)
      const producer = new Producer(client)
      const results: ProducedRecord[] = []
      let sent = 0
      let batch: ProduceRecord[] = []
      const flush = async (): Promise<void> => {
        if (batch.length === 0) return
        const produced = await producer.send(topic, batch, { acks, compression: flags.compression })
        batch = []
        sent += produced.length
        if (ctx.json) results.push(...produced)
        else if (flags.quiet !== true) for (const r of produced) ctx.write(`${r.topic}/${r.partition}@${r.offset}\n`)
        ctx.progress.update(`produced ${sent} records to ${topic}`)
      }
      let lineNumber = 0
      for await (const line of inputLines(flags, values)) {
        lineNumber++
        if (line === '' && flags.tombstone !== true && values.length === 0) continue
        let record: ProduceRecord
        try {
          record = flags.jsonl === true ? parseJsonLine(line, lineNumber, flags) : recordFrom(line, flags)
        } catch (err) {
          await flush() // what came before the bad line is written, as the message says
          throw err
        }
        batch.push(record)
        if (batch.length >= flags.batch) await flush()
      }
      await flush()
      ctx.progress.done()
      report(ctx, topic, sent, results, flags.quiet === true)
    }))
}

function report (ctx: CliContext, topic: string, sent: number, results: ProducedRecord[], quiet: boolean): void {
  if (ctx.json) ctx.printJson(quiet ? { topic, records: sent } : results)
  else if (quiet) ctx.write(`produced ${sent} record${sent === 1 ? '' : 's'} to ${topic}\n`)
}

function parseAcks (text: string): number {
  if (text === 'all' || text === '-1') return -1
  if (text === '0' || text === '1') return Number(text)
  throw badArgument('--acks', `"${text}" is not 0, 1, -1 or all`)
}

async function * inputLines (flags: ProduceFlags, values: string[]): AsyncGenerator<string> {
  if (flags.tombstone === true) { yield ''; return }
  if (values.length > 0) { yield * values; return }
  const stream = flags.file !== undefined ? createReadStream(flags.file) : process.stdin
  if (flags.file !== undefined) {
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve())
      stream.once('error', (err: NodeJS.ErrnoException) => reject(new CommandFailure(`cannot read --file ${flags.file}: ${err.code ?? err.message}`)))
    })
  }
  for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) yield line
}

function commonHeaders (flags: ProduceFlags): Array<{ key: string, value: string }> {
  return Object.entries(flags.header ?? {}).map(([key, value]) => ({ key, value }))
}

function recordFrom (value: string, flags: ProduceFlags): ProduceRecord {
  return {
    key: flags.key ?? null,
    value: flags.tombstone === true ? null : value,
    headers: commonHeaders(flags),
    ...(flags.partition !== undefined ? { partition: flags.partition } : {}),
    ...(flags.timestamp !== undefined ? { timestamp: flags.timestamp } : {})
  }
}

function parseJsonLine (line: string, lineNumber: number, flags: ProduceFlags): ProduceRecord {
  let parsed: unknown
  try {
    parsed = JSON.parse(line)
  } catch {
    throw new CommandFailure(`line ${lineNumber} is not JSON (with --jsonl every line is {"key","value","headers"}); records before it were written`)
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new CommandFailure(`line ${lineNumber} is not a JSON object; records before it were written`)
  const fields = parsed as Record<string, unknown>
  const text = (v: unknown): string | null => v === null || v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v)
  const headers = Array.isArray(fields.headers)
    ? fields.headers.map((h: { key?: unknown, value?: unknown }) => ({ key: String(h.key), value: text(h.value) }))
    : Object.entries(fields.headers ?? {}).map(([key, value]) => ({ key, value: text(value) }))
  const partition = fields.partition ?? flags.partition
  const timestamp = fields.timestamp ?? flags.timestamp
  if (partition !== undefined && !isWholeNumber(partition)) throw new CommandFailure(`line ${lineNumber}: "partition" must be a whole number`)
  if (timestamp !== undefined && !isWholeNumber(timestamp)) throw new CommandFailure(`line ${lineNumber}: "timestamp" must be epoch milliseconds`)
  return {
    key: text(fields.key) ?? flags.key ?? null,
    value: text(fields.value),
    headers: [...commonHeaders(flags), ...headers],
    ...(partition !== undefined ? { partition } : {}),
    ...(timestamp !== undefined ? { timestamp } : {})
  }
}

function isWholeNumber (value: unknown): value is number {
  return Number.isInteger(value)
}
