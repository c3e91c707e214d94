// Every Kafka API the broker serves. ApiVersions answers from this list, so
// registering a handler is what advertises its API.
import type { Handler } from './types.js'
import { apiVersionsHandler } from './api-versions.js'
import { metadataHandler } from './metadata.js'
import { produceHandler } from './produce.js'
import { fetchHandler } from './fetch.js'
import { listOffsetsHandler } from './list-offsets.js'
import { adminHandlers } from './admin-handlers.js'
import { groupHandlers } from './group-handlers.js'
import { txnHandlers } from './txn-handlers.js'
import { saslHandshakeHandler } from './sasl-handshake.js'
import { saslAuthenticateHandler } from './sasl-authenticate.js'
import { describeUserScramCredentialsHandler, alterUserScramCredentialsHandler } from './user-scram-credentials.js'

export const coreHandlers: Handler[] = [
  apiVersionsHandler,
  metadataHandler,
  produceHandler,
  fetchHandler,
  listOffsetsHandler
]

/** SASL authentication and SASL users. */
export const securityHandlers: Handler[] = [
  saslHandshakeHandler,
  saslAuthenticateHandler,
  describeUserScramCredentialsHandler,
  alterUserScramCredentialsHandler
]

export const allHandlers: Handler[] = [...coreHandlers, ...adminHandlers, ...groupHandlers, ...txnHandlers, ...securityHandlers]
