// What a handler can reach: the broker's components, created once at startup by
// src/broker/broker.ts and shared by every connection. Fields are added as the
// components land; handlers import only the types they use.
import type { BrokerConfig } from '../config.js'

export interface BrokerServices {
  config: BrokerConfig
  /** The log engine (src/log). */
  log: any
  /** The group coordinator (src/broker/groups). */
  groups: any
  /** Producer-id and transaction coordinator (later). */
  txns?: any
  /** Every registered handler, by API key; ApiVersions answers from this. */
  handlers: Map<number, import('./handlers/types.js').Handler>
  /** Called when a client connection closes (fetch sessions, pending waits). */
  onDisconnect?: (connectionId: number) => void
  logger: import('../logger.js').Logger
}
