// `tributary start`: runs the broker, the bus and the HTTP face on embedded defaults.
import type { Command } from 'commander'
import { loadConfig } from '../../config.js'
import { createLogger } from '../../logger.js'
import { Tributary } from '../../tributary.js'

export function registerStart (program: Command): void {
  program.command('start')
    .description('start Tributary (Kafka broker + event bus + HTTP) on one data directory')
    .option('--data-dir <dir>', 'where the log lives (TRIBUTARY_DATA_DIR)', undefined)
    .option('--host <host>', 'address to listen on (TRIBUTARY_HOST)', undefined)
    .option('--kafka-port <port>', 'Kafka protocol port (TRIBUTARY_KAFKA_PORT)', undefined)
    .option('--http-port <port>', 'HTTP port: EventBridge API and /health (TRIBUTARY_HTTP_PORT)', undefined)
    .option('--advertised-host <host>', 'host clients are told to connect to (TRIBUTARY_ADVERTISED_HOST)', undefined)
    .option('--config <file>', 'JSON config file (TRIBUTARY_CONFIG)', undefined)
    .option('--log-level <level>', 'trace, debug, info, warn, error (TRIBUTARY_LOG_LEVEL)', undefined)
    .action(async (flags: Record<string, unknown>) => {
      const config = loadConfig(flags)
      const logger = createLogger(config.logLevel)
      const app = new Tributary(config, logger)
      let stopping = false
      const stop = (signal: string): void => {
        if (stopping) return
        stopping = true
        logger.info({ signal }, 'shutting down')
        app.stop().then(() => {
          logger.info('stopped cleanly')
          process.exit(0)
        }, (err: Error) => {
          logger.error({ err }, 'unclean shutdown')
          process.exit(1)
        })
      }
      process.on('SIGTERM', () => stop('SIGTERM'))
      process.on('SIGINT', () => stop('SIGINT'))
      await app.start()
    })
}
