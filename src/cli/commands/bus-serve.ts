// `tributary bus --kafka <bootstrap servers>`: runs the bus API and delivery
// alone, with every definition, cursor, retry and archive in topics of an
// external Kafka-protocol cluster (src/bus/cluster). Start as many as needed;
// they share the work through consumer groups. See docs/scale-out.md.
import type { Command } from 'commander'
import { createLogger } from '../../logger.js'
import { loadConfig } from '../../config.js'
import { integerArg } from '../args.js'
import { badArgument } from '../output/errors.js'
import { parsePartitionKey } from '../../bus/partition-key.js'

interface ServeFlags { config?: string, kafka?: string, host?: string, httpPort?: number, topicPrefix?: string, busPartitions?: number, partitionKey?: string, logLevel?: string }

export function registerBusServe (bus: Command): void {
  // No commander defaults: an absent flag leaves the config key (file, environment, default) in force.
  bus
    .option('--kafka <servers>', 'run the bus API alone on this Kafka-protocol cluster (bootstrap servers host:port,...; key busKafka, TRIBUTARY_BUS_KAFKA)')
    .option('--config <file>', 'with --kafka: JSON config file (TRIBUTARY_CONFIG; keys in docs/configuration.md)')
    .option('--host <host>', 'with --kafka: address the bus API listens on (key host; default 127.0.0.1)')
    .option('--http-port <port>', 'with --kafka: bus API port, 0 for any free port (key httpPort; default 8080)', integerArg('--http-port', 0, 65535))
    .option('--topic-prefix <prefix>', 'with --kafka: prefix of every topic the bus uses (key busTopicPrefix; default tributary.)')
    .option('--bus-partitions <n>', 'with --kafka: partitions of the bus topics it creates, the most workers one bus can spread over (key busPartitions; default 6)', integerArg('--bus-partitions', 1, 1000))
    .option('--partition-key <key>', 'with --kafka: what bus events are partitioned by: source, detail-type, account or a JSONPath into the event ($.detail.customerId) (key busPartitionKey; default source)', partitionKeyArg)
    .option('--log-level <level>', 'with --kafka: trace, debug, info, warn, error (key logLevel)')
    .action(async (flags: ServeFlags, cmd: Command) => {
      const config = loadConfig({
        config: flags.config,
        busKafka: flags.kafka,
        host: flags.host,
        httpPort: flags.httpPort,
        busTopicPrefix: flags.topicPrefix,
        busPartitions: flags.busPartitions,
        busPartitionKey: flags.partitionKey,
        logLevel: flags.logLevel,
      })
      if (config.busKafka === '') {
        cmd.help()
        return
      }
      const bootstrap = config.busKafka
      const logger = createLogger(config.logLevel)
      // Loaded here: the other bus commands are HTTP clients and need none of it.
      const { BusWorker, busWorkerOptions } = await import('../../bus/cluster/worker.js')
      const worker = new BusWorker(busWorkerOptions(config, logger))
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
      logger.info({ kafka: bootstrap, httpPort: port }, `bus worker serving the bus API on http://${config.host}:${port} over the Kafka cluster at ${bootstrap}`)
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
