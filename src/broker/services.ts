// What a handler can reach: the broker's components, created once at startup by
// src/broker/broker.ts and shared by every connection. Fields are added as the
// components land; handlers import only the types they use.
import type { BrokerConfig } from '../config.js'
import type { LogManager } from '../log/index.js'
import type { GroupCoordinator } from './groups/index.js'
import type { TransactionCoordinator } from './txn/index.js'

export interface BrokerServices {
  config: BrokerConfig
  /** The log engine (src/log). */
  log: LogManager
  /** The group coordinator (src/broker/groups). */
  groups: GroupCoordinator | null
  /** Producer-id and transaction coordinator (later). */
  txns?: TransactionCoordinator
  /** Every registered handler, by API key; ApiVersions answers from this. */
  handlers: Map<number, import('./handlers/types.js').Handler>
  /** Called when a client connection closes (fetch sessions, pending waits). */
  onDisconnect?: (connectionId: number) => void
  logger: import('../logger.js').Logger
  /** The file system seam the log uses (in-memory in embedded memory mode); durable stores belong on it too. */
  fs?: import('../log/fs.js').FileSystem
  /** The broker's clock (a controllable one in embedded test mode). */
  clock?: import('./groups/clock.js').Clock
}
