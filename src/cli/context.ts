// What every command shares: where the broker and the bus API are (--brokers /
// TRIBUTARY_BROKERS, --endpoint / TRIBUTARY_ENDPOINT, local defaults), whether
// to print tables or JSON, colours, and one lazily opened Kafka client that is
// closed when the command ends.
import type { Command } from 'commander'
import { BusClient, DEFAULT_BROKERS, DEFAULT_ENDPOINT, KafkaClient, parseBrokerList, type BrokerAddress } from '../client/index.js'
import { badArgument } from './output/errors.js'
import { makeStyle, type Style } from './output/style.js'
import { renderFields, renderTable, type Column } from './output/table.js'
import { Progress } from './output/progress.js'

export interface GlobalOptions { brokers?: string, endpoint?: string, json?: boolean }

export class CliContext {
  readonly json: boolean
  readonly style: Style
  readonly progress = new Progress()
  private kafkaClient: KafkaClient | null = null
  private readonly brokerList: BrokerAddress[]
  readonly endpoint: string

  constructor (options: GlobalOptions, readonly stdout: NodeJS.WriteStream = process.stdout, env: NodeJS.ProcessEnv = process.env) {
    this.json = options.json === true
    this.style = makeStyle(stdout, env)
    const brokers = options.brokers ?? env.TRIBUTARY_BROKERS ?? DEFAULT_BROKERS
    try {
      this.brokerList = parseBrokerList(brokers)
    } catch (err) {
      throw badArgument('--brokers', (err as Error).message)
    }
    this.endpoint = options.endpoint ?? env.TRIBUTARY_ENDPOINT ?? DEFAULT_ENDPOINT
    if (!/^https?:\/\/[^/]+/.test(this.endpoint)) throw badArgument('--endpoint', `"${this.endpoint}" is not an http:// or https:// URL`)
  }

  static of (command: Command): CliContext {
    return new CliContext(command.optsWithGlobals() as GlobalOptions)
  }

  async kafka (): Promise<KafkaClient> {
    this.kafkaClient ??= await KafkaClient.connect(this.brokerList, { clientId: 'tributary-cli' })
    return this.kafkaClient
  }

  bus (): BusClient {
    return new BusClient(this.endpoint)
  }

  write (text: string): void {
    this.stdout.write(text)
  }

  /** Pretty JSON for scripts; lists stay lists (an empty one is `[]`). */
  printJson (value: unknown): void {
    this.write(JSON.stringify(value, null, 2) + '\n')
  }

  /** A table on a terminal (and in pipes without --json), the rows themselves with --json. */
  printList<T> (rows: readonly T[], columns: ReadonlyArray<Column<T>>, jsonRows: unknown[] = rows as unknown[]): void {
    if (this.json) this.printJson(jsonRows)
    else this.write(renderTable(rows, columns, this.style))
  }

  printFields (fields: ReadonlyArray<[string, string | number | null | undefined]>): void {
    this.write(renderFields(fields, this.style))
  }

  /** A one-line confirmation, or `value` as JSON. */
  done (message: string, value: unknown): void {
    if (this.json) this.printJson(value)
    else this.write(`${this.style.green('✓')} ${message}\n`)
  }

  close (): void {
    this.progress.done()
    this.kafkaClient?.close()
    this.kafkaClient = null
  }
}

/** Runs a command body with a context, closing the client whatever happens. */
export async function withContext (command: Command, body: (ctx: CliContext) => Promise<void>): Promise<void> {
  const ctx = CliContext.of(command)
  try {
    await body(ctx)
  } finally {
    ctx.close()
  }
}
