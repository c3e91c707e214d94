import type { ApiSpec } from './spec.js'

// EndTxn (key 26): commits (committed = true) or aborts a transaction.
// v2 only adds an error code; v3 is the first flexible version; v4 only allows
// TRANSACTION_ABORTABLE in answers (v5, not served, adds the producer id and epoch).
export const endTxnApi = {
  apiKey: 26,
  name: 'EndTxn',
  minVersion: 0,
  maxVersion: 4,
  request: {
    name: 'EndTxnRequest',
    flexibleVersions: '3+',
    fields: [
      { name: 'transactionalId', type: 'string', versions: '0+' },
      { name: 'producerId', type: 'int64', versions: '0+' },
      { name: 'producerEpoch', type: 'int16', versions: '0+' },
      { name: 'committed', type: 'bool', versions: '0+' },
    ]
  },
  response: {
    name: 'EndTxnResponse',
    flexibleVersions: '3+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      { name: 'errorCode', type: 'int16', versions: '0+' },
    ]
  },
} as const satisfies ApiSpec
