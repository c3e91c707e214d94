// The idempotent-producer and transaction API handlers, for the handler registry.
import type { Handler } from './types.js'
import { initProducerIdHandler } from './init-producer-id.js'
import { addPartitionsToTxnHandler } from './add-partitions-to-txn.js'
import { addOffsetsToTxnHandler } from './add-offsets-to-txn.js'
import { endTxnHandler } from './end-txn.js'
import { txnOffsetCommitHandler } from './txn-offset-commit.js'
import { describeProducersHandler } from './describe-producers.js'
import { describeTransactionsHandler } from './describe-transactions.js'
import { listTransactionsHandler } from './list-transactions.js'

export const txnHandlers: Handler[] = [
  initProducerIdHandler,
  addPartitionsToTxnHandler,
  addOffsetsToTxnHandler,
  endTxnHandler,
  txnOffsetCommitHandler,
  describeProducersHandler,
  describeTransactionsHandler,
  listTransactionsHandler
]
