// ListTransactions (key 66), versions 0-1.
//
// Transactional ids known to the coordinator, filtered by state names and
// producer ids (empty filters match all); unknown state names come back in
// unknownStateFilters. v1 adds durationFilter: only transactions running
// longer than that many ms (-1: no filter).
import { listTransactionsApi } from '../../protocol/messages/list-transactions.js'
import { ErrorCode } from '../../protocol/errors.js'
import { listTransactions } from '../txn/admin.js'
import type { Handler } from './types.js'

export const listTransactionsHandler: Handler<'ListTransactions'> = {
  api: listTransactionsApi,
  handle (request, ctx) {
    const txns = ctx.services.txns
    if (txns === undefined || txns === null) return { throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, unknownStateFilters: [], transactionStates: [] }
    const result = listTransactions(txns.txns, request.stateFilters, request.producerIdFilters.map(Number),
      Number(request.durationFilter), Date.now())
    return { throttleTimeMs: 0, ...result }
  }
}
