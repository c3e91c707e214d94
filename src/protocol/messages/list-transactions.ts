import type { ApiSpec } from './spec.js'

// ListTransactions (key 66): transactional ids known to the coordinator, filtered
// by state and producer id. Flexible from v0; v1 adds durationFilter (only
// transactions running longer than that many ms; -1 means no filter).
export const listTransactionsApi = {
  apiKey: 66,
  name: 'ListTransactions',
  minVersion: 0,
  maxVersion: 1,
  request: {
    name: 'ListTransactionsRequest',
    flexibleVersions: '0+',
    fields: [
      { name: 'stateFilters', type: 'string', array: true, versions: '0+' },
      { name: 'producerIdFilters', type: 'int64', array: true, versions: '0+' },
      { name: 'durationFilter', type: 'int64', versions: '1+', default: -1n },
    ]
  },
  response: {
    name: 'ListTransactionsResponse',
    flexibleVersions: '0+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      { name: 'errorCode', type: 'int16', versions: '0+' },
      { name: 'unknownStateFilters', type: 'string', array: true, versions: '0+' },
      {
        name: 'transactionStates',
        array: true,
        versions: '0+',
        type: [
          { name: 'transactionalId', type: 'string', versions: '0+' },
          { name: 'producerId', type: 'int64', versions: '0+' },
          { name: 'transactionState', type: 'string', versions: '0+' },
        ]
      },
    ]
  },
} as const satisfies ApiSpec
