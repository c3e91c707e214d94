import type { ApiSpec } from './spec.js'
import { initProducerIdApi } from './init-producer-id.js'
import { addPartitionsToTxnApi } from './add-partitions-to-txn.js'
import { addOffsetsToTxnApi } from './add-offsets-to-txn.js'
import { endTxnApi } from './end-txn.js'
import { txnOffsetCommitApi } from './txn-offset-commit.js'
import { describeProducersApi } from './describe-producers.js'
import { describeTransactionsApi } from './describe-transactions.js'
import { listTransactionsApi } from './list-transactions.js'

/** The idempotent-producer and transaction APIs, each with the version range we advertise. */
export const txnApis = [
  initProducerIdApi,
  addPartitionsToTxnApi,
  addOffsetsToTxnApi,
  endTxnApi,
  txnOffsetCommitApi,
  describeProducersApi,
  describeTransactionsApi,
  listTransactionsApi,
] as const satisfies readonly ApiSpec[]
