import type { ApiSpec, FieldSpec } from './spec.js'

// Kafka shares these two structs between the v0-3 and the v4 layouts.
const topicFields = [
  { name: 'name', type: 'string', versions: '0+' },
  { name: 'partitions', type: 'int32', array: true, versions: '0+' },
] as const satisfies readonly FieldSpec[]

const topicResultFields = [
  { name: 'name', type: 'string', versions: '0+' },
  {
    name: 'resultsByPartition',
    array: true,
    versions: '0+',
    type: [
      { name: 'partitionIndex', type: 'int32', versions: '0+' },
      { name: 'partitionErrorCode', type: 'int16', versions: '0+' },
    ]
  },
] as const satisfies readonly FieldSpec[]

// AddPartitionsToTxn (key 24): a transactional producer registers the partitions
// it is about to write to in its open transaction.
// v0-3 carry one transaction in the `v3AndBelow...` fields (Kafka's own names);
// v3 is the first flexible version. v4 is the broker-to-coordinator form: a batch
// of transactions, each with verifyOnly, answered per transaction with a
// top-level error code; v5 only allows TRANSACTION_ABORTABLE in answers. Most
// clients use v3 and below; @platformatic/kafka 1.x sends v5 batches itself.
export const addPartitionsToTxnApi = {
  apiKey: 24,
  name: 'AddPartitionsToTxn',
  minVersion: 0,
  maxVersion: 5,
  request: {
    name: 'AddPartitionsToTxnRequest',
    flexibleVersions: '3+',
    fields: [
      {
        name: 'transactions',
        array: true,
        versions: '4+',
        type: [
          { name: 'transactionalId', type: 'string', versions: '4+' },
          { name: 'producerId', type: 'int64', versions: '4+' },
          { name: 'producerEpoch', type: 'int16', versions: '4+' },
          { name: 'verifyOnly', type: 'bool', versions: '4+' },
          { name: 'topics', array: true, versions: '4+', type: topicFields },
        ]
      },
      { name: 'v3AndBelowTransactionalId', type: 'string', versions: '0-3' },
      { name: 'v3AndBelowProducerId', type: 'int64', versions: '0-3' },
      { name: 'v3AndBelowProducerEpoch', type: 'int16', versions: '0-3' },
      { name: 'v3AndBelowTopics', array: true, versions: '0-3', type: topicFields },
    ]
  },
  response: {
    name: 'AddPartitionsToTxnResponse',
    flexibleVersions: '3+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      { name: 'errorCode', type: 'int16', versions: '4+' },
      {
        name: 'resultsByTransaction',
        array: true,
        versions: '4+',
        type: [
          { name: 'transactionalId', type: 'string', versions: '4+' },
          { name: 'topicResults', array: true, versions: '4+', type: topicResultFields },
        ]
      },
      { name: 'resultsByTopicV3AndBelow', array: true, versions: '0-3', type: topicResultFields },
    ]
  },
} as const satisfies ApiSpec
