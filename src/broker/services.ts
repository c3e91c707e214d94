// What a handler can reach: the broker's components, built once by the
// composition root (src/tributary.ts) and shared by every connection.
// Handlers import only the types they use.
import type { BrokerConfig } from '../config.js'
import type { Logger } from '../logger.js'
import type { LogManager } from '../log/index.js'
import type { GroupCoordinator } from './groups/index.js'
import type { TransactionCoordinator } from './txn/index.js'
import type { Handler } from './handlers/types.js'
import type { CredentialStore } from '../security/credential-store.js'
import type { AccessControl } from './acl/index.js'

export interface BrokerServices {
  config: BrokerConfig
  /** The log engine (src/log). */
  log: LogManager
  /** The group coordinator (src/broker/groups). */
  groups: GroupCoordinator
  /** Producer-id and transaction coordinator (src/broker/txn). */
  txns: TransactionCoordinator
  /** Every registered handler, by API key; ApiVersions answers from this. */
  handlers: Map<number, Handler>
  /** ACLs and the authorizer (src/broker/acl); absent, as when authorization is off, every request is allowed. */
  access?: AccessControl
  /** Called when a client connection closes (fetch sessions, pending waits). */
  onDisconnect?: (connectionId: number) => void
  logger: Logger
  /** SASL users' credentials (src/security); absent in handler tests that do not need them. */
  credentials?: CredentialStore
  /**
   * Where clients of each configured listener are told to connect (by listener
   * name); a listener not in it (the default one) advertises advertisedHost:kafkaPort.
   */
  advertisedListeners?: ReadonlyMap<string, { host: string, port: number }>
}
