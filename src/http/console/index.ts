// The web console on the HTTP port: the page at / and its JSON endpoints under
// /api/console (docs/console.md). Reads come from the log, the group
// coordinator, the bus catalog and the console's own history and trace ring;
// every change goes through the broker's Kafka handlers (a client on its own
// listener) or the bus API's actions, never a second implementation.
import type { FastifyInstance } from 'fastify'
import type { LogManager } from '../../log/index.js'
import type { EventBus } from '../../bus/index.js'
import type { BrokerAddress } from '../../client/client.js'
import { ConsoleKafka } from './common.js'
import type { ConsoleHistory } from './history.js'
import type { TraceRing } from './trace-ring.js'
import { registerTopicRoutes } from './topics-routes.js'
import { registerMessageRoutes } from './messages-routes.js'
import { registerGroupRoutes } from './groups-routes.js'
import { registerBusConsoleRoutes } from './bus-routes.js'
import { registerStreamRoutes } from './stream.js'
import { registerStaticRoutes } from './static.js'

export { ConsoleHistory } from './history.js'
export type { Sample } from './history.js'
export { TraceRing } from './trace-ring.js'

export interface ConsoleParts {
  log: LogManager
  bus: EventBus
  history: ConsoleHistory
  trace: TraceRing
  /** Where the broker's Kafka listener is, for the console's own client. */
  kafkaAddress: () => BrokerAddress
  /** bus.credentials are configured: the page signs its bus actions. */
  busSigning?: boolean
}

export function registerConsole (app: FastifyInstance, parts: ConsoleParts): void {
  const kafka = new ConsoleKafka(parts.kafkaAddress)
  registerStaticRoutes(app)
  registerStreamRoutes(app, parts.history)
  registerTopicRoutes(app, parts.log, parts.history, kafka)
  registerMessageRoutes(app, kafka)
  registerGroupRoutes(app, parts.history, kafka)
  registerBusConsoleRoutes(app, parts.bus, parts.trace, parts.log, parts.busSigning === true)
  app.addHook('onReady', async () => { parts.history.start() })
  app.addHook('onClose', async () => {
    parts.history.stop()
    kafka.close()
  })
}
