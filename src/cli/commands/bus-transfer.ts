// `tributary bus export [--out file]` and `tributary bus import <file>`: the
// definitions of a bus deployment (event buses, rules with their targets,
// archives) as one JSON document, read and written through the bus API, so the
// same commands move definitions from an embedded `tributary start` to bus
// workers on a Kafka cluster (`tributary bus --kafka`) and back.
// Connections and API destinations are not exported: their secrets are never
// returned by the API, so they are created again by hand (docs/scale-out.md).
import { readFileSync, writeFileSync } from 'node:fs'
import type { Command } from 'commander'
import { withContext, type CliContext } from '../context.js'
import { BusApiCallError, type BusClient, type JsonObject } from '../../client/bus-client.js'
import { badArgument } from '../output/errors.js'

interface Exported {
  format: 'tributary-bus-definitions'
  version: 1
  buses: Array<{ Name: string, Description?: unknown }>
  rules: JsonObject[]
  archives: JsonObject[]
}

const RULE_FIELDS = ['Name', 'EventBusName', 'EventPattern', 'ScheduleExpression', 'State', 'Description', 'RoleArn'] as const
const ARCHIVE_FIELDS = ['ArchiveName', 'EventSourceArn', 'EventPattern', 'RetentionDays', 'Description'] as const

export function registerBusTransfer (bus: Command): void {
  bus.command('export')
    .description('write every event bus, rule (with its targets) and archive as one JSON document')
    .option('--out <file>', 'write to this file instead of stdout')
    .action(async (flags: { out?: string }, cmd: Command) => withContext(cmd, async ctx => {
      const document = await exportDefinitions(ctx.bus())
      const text = `${JSON.stringify(document, null, 2)}\n`
      if (flags.out === undefined) process.stdout.write(text)
      else {
        writeFileSync(flags.out, text)
        ctx.done(`exported ${document.buses.length} buses, ${document.rules.length} rules, ${document.archives.length} archives to ${flags.out}`, { file: flags.out })
      }
    }))

  bus.command('import')
    .description('create the buses, rules, targets and archives of an export (existing ones are updated or kept)')
    .argument('<file>', 'a file written by `tributary bus export` ("-" for stdin)')
    .action(async (file: string, _flags: unknown, cmd: Command) => withContext(cmd, async ctx => {
      const document = parseExport(file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8'), file)
      await importDefinitions(ctx, document)
      ctx.done(`imported ${document.buses.length} buses, ${document.rules.length} rules, ${document.archives.length} archives`, { buses: document.buses.length, rules: document.rules.length, archives: document.archives.length })
    }))
}

async function exportDefinitions (client: BusClient): Promise<Exported> {
  const buses = await client.listAll<JsonObject>('ListEventBuses', 'EventBuses')
  const rules: JsonObject[] = []
  for (const b of buses) {
    for (const listed of await client.listAll<JsonObject>('ListRules', 'Rules', { EventBusName: b.Name })) {
      const rule = await client.call('DescribeRule', { Name: listed.Name, EventBusName: b.Name })
      const targets = await client.listAll<JsonObject>('ListTargetsByRule', 'Targets', { Rule: listed.Name, EventBusName: b.Name })
      rules.push({ ...pick(rule, RULE_FIELDS), EventBusName: b.Name, Targets: targets })
    }
  }
  const archives: JsonObject[] = []
  for (const listed of await client.listAll<JsonObject>('ListArchives', 'Archives')) {
    archives.push(pick(await client.call('DescribeArchive', { ArchiveName: listed.ArchiveName }), ARCHIVE_FIELDS))
  }
  return {
    format: 'tributary-bus-definitions',
    version: 1,
    buses: buses.map(b => ({ Name: String(b.Name), ...(b.Description !== undefined ? { Description: b.Description } : {}) })),
    rules,
    archives,
  }
}

async function importDefinitions (ctx: CliContext, document: Exported): Promise<void> {
  const client = ctx.bus()
  for (const b of document.buses) {
    if (b.Name === 'default') continue
    await ignoreExisting(client.call('CreateEventBus', { Name: b.Name, ...(b.Description !== undefined ? { Description: b.Description } : {}) }))
  }
  for (const rule of document.rules) {
    const { Targets, ...definition } = rule
    await client.call('PutRule', definition)
    const targets = Array.isArray(Targets) ? Targets as JsonObject[] : []
    // PutTargets takes at most 10 targets per call.
    for (let i = 0; i < targets.length; i += 10) await client.call('PutTargets', { Rule: definition.Name, EventBusName: definition.EventBusName, Targets: targets.slice(i, i + 10) })
    ctx.progress.update(`rule ${String(definition.EventBusName)}/${String(definition.Name)}`)
  }
  for (const archive of document.archives) await ignoreExisting(client.call('CreateArchive', archive))
  ctx.progress.done()
}

async function ignoreExisting (call: Promise<unknown>): Promise<void> {
  try {
    await call
  } catch (err) {
    if (!(err instanceof BusApiCallError && err.type === 'ResourceAlreadyExistsException')) throw err
  }
}

function parseExport (text: string, file: string): Exported {
  let value: Partial<Exported>
  try {
    value = JSON.parse(text) as Partial<Exported>
  } catch (err) {
    throw badArgument('<file>', `${file} is not JSON: ${(err as Error).message}`)
  }
  if (value?.format !== 'tributary-bus-definitions' || !Array.isArray(value.buses) || !Array.isArray(value.rules) || !Array.isArray(value.archives)) {
    throw badArgument('<file>', `${file} is not a \`tributary bus export\` document (format tributary-bus-definitions with buses, rules and archives)`)
  }
  return value as Exported
}

function pick (source: JsonObject, fields: readonly string[]): JsonObject {
  const out: JsonObject = {}
  for (const field of fields) if (source[field] !== undefined && source[field] !== null) out[field] = source[field]
  return out
}
