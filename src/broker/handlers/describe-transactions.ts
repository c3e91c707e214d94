// DescribeTransactions (key 65), version 0.
//
// State, timeout, start time, producer id and epoch, and partitions of each
// transactional id; an unknown id is TRANSACTIONAL_ID_NOT_FOUND.
import { describeTransactionsApi } from '../../protocol/messages/describe-transactions.js'
import { ErrorCode } from '../../protocol/errors.js'
import { describeTransactions } from '../txn/admin.js'
import type { Handler } from './types.js'

export const describeTransactionsHandler: Handler<'DescribeTransactions'> = {
  api: describeTransactionsApi,
  handle (request, ctx) {
    const txns = ctx.services.txns
    const ids = request.transactionalIds
    if (txns === undefined || txns === null) {
      return {
        throttleTimeMs: 0,
        transactionStates: ids.map(id => ({ errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, transactionalId: id, transactionState: '', transactionTimeoutMs: 0, transactionStartTimeMs: -1n, producerId: -1n, producerEpoch: -1, topics: [] }))
      }
    }
    return { throttleTimeMs: 0, transactionStates: describeTransactions(txns.txns, ids) }
  }
}
