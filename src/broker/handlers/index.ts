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

export const coreHandlers: Handler[] = [
  apiVersionsHandler,
  metadataHandler,
  produceHandler,
  fetchHandler,
  listOffsetsHandler
]

export const allHandlers: Handler[] = [...coreHandlers, ...adminHandlers, ...groupHandlers, ...txnHandlers]
