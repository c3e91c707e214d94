import type { ApiSpec } from './spec.js'

// DescribeTransactions (key 65): state, timeout, producer and partitions of
// transactional ids. Flexible from v0.
export const describeTransactionsApi = {
  apiKey: 65,
  name: 'DescribeTransactions',
  minVersion: 0,
  maxVersion: 0,
  request: {
    name: 'DescribeTransactionsRequest',
    flexibleVersions: '0+',
    fields: [
      { name: 'transactionalIds', type: 'string', array: true, versions: '0+' },
    ]
  },
  response: {
    name: 'DescribeTransactionsResponse',
    flexibleVersions: '0+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      {
        name: 'transactionStates',
        array: true,
        versions: '0+',
        type: [
          { name: 'errorCode', type: 'int16', versions: '0+' },
          { name: 'transactionalId', type: 'string', versions: '0+' },
          { name: 'transactionState', type: 'string', versions: '0+' },
          { name: 'transactionTimeoutMs', type: 'int32', versions: '0+' },
          { name: 'transactionStartTimeMs', type: 'int64', versions: '0+' },
          { name: 'producerId', type: 'int64', versions: '0+' },
          { name: 'producerEpoch', type: 'int16', versions: '0+' },
          {
            name: 'topics',
            array: true,
            versions: '0+',
            type: [
              { name: 'topic', type: 'string', versions: '0+' },
              { name: 'partitions', type: 'int32', array: true, versions: '0+' },
            ]
          },
        ]
      },
    ]
  },
} as const satisfies ApiSpec
