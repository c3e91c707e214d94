// `tributary bus --kafka <bootstrap servers>`: runs the bus API and delivery
// alone, with every definition, cursor, retry and archive in topics of an
// external Kafka-protocol cluster (src/bus/cluster). Start as many as needed;
// they share the work through consumer groups. See docs/scale-out.md.
import type { Command } from 'commander'
import { createLogger } from '../../logger.js'
import { integerArg } from '../args.js'
import { badArgument } from '../output/errors.js'
import { parsePartitionKey } from '../../bus/partition-key.js'

interface ServeFlags { kafka?: string, host?: string, httpPort?: number, topicPrefix?: string, busPartitions?: number, partitionKey?: string, logLevel?: string }

export function registerBusServe (bus: Command): void {
  bus
    .option('--kafka <servers>', 'run the bus API alone on this Kafka-protocol cluster (bootstrap servers host:port,...; TRIBUTARY_BUS_KAFKA)')
    .option('--host <host>', 'with --kafka: address the bus API listens on', '127.0.0.1')
    .option('--http-port <port>', 'with --kafka: bus API port (0: any free port)', integerArg('--http-port', 0, 65535), 8080)
    .option('--topic-prefix <prefix>', 'with --kafka: prefix of every topic and consumer group the bus uses', 'tributary.')
    .option('--bus-partitions <n>', 'with --kafka: partitions of the bus topics it creates (the most workers one bus can spread over)', integerArg('--bus-partitions', 1, 1000), 6)
    .option('--partition-key <key>', 'with --kafka: what bus events are partitioned by: source, detail-type, account or a JSONPath into the event ($.detail.customerId)', partitionKeyArg, 'source')
    .option('--log-level <level>', 'with --kafka: trace, debug, info, warn, error', 'info')
    .action(async (flags: ServeFlags, cmd: Command) => {
      const bootstrap = flags.kafka ?? process.env.TRIBUTARY_BUS_KAFKA
      if (bootstrap === undefined) {
        cmd.help()
        return
      }
      const logger = createLogger(flags.logLevel)
      // Loaded here: the other bus commands are HTTP clients and need none of it.
      const { BusWorker } = await import('../../bus/cluster/worker.js')
      const worker = new BusWorker({
        bootstrap,
        host: flags.host,
        httpPort: flags.httpPort,
        topicPrefix: flags.topicPrefix,
        busPartitions: flags.busPartitions,
        partitionKey: flags.partitionKey,
        logger,
        retryBaseDelayMs: envNumber('TRIBUTARY_BUS_RETRY_BASE_MS'),
        retryMaxDelayMs: envNumber('TRIBUTARY_BUS_RETRY_MAX_MS'),
        sessionTimeoutMs: envNumber('TRIBUTARY_BUS_SESSION_TIMEOUT_MS'),
      })
      let stopping = false
      const stop = (signal: string): void => {
        if (stopping) return
        stopping = true
        logger.info({ signal }, 'bus worker shutting down')
        worker.close().then(() => process.exit(0), (err: Error) => { logger.error({ err }, 'unclean shutdown'); process.exit(1) })
      }
      process.on('SIGTERM', () => stop('SIGTERM'))
      process.on('SIGINT', () => stop('SIGINT'))
      const port = await worker.start()
      logger.info({ kafka: bootstrap, httpPort: port }, `bus worker serving the bus API on http://${flags.host ?? '127.0.0.1'}:${port} over the Kafka cluster at ${bootstrap}`)
    })
}

/** Refused as a usage error (exit 2) before anything connects. */
function partitionKeyArg (value: string): string {
  try {
    parsePartitionKey(value)
  } catch (err) {
    throw badArgument('--partition-key', (err as Error).message)
  }
  return value
}

function envNumber (name: string): number | undefined {
  const value = Number(process.env[name])
  return process.env[name] !== undefined && Number.isFinite(value) && value >= 0 ? value : undefined
}
