// EndTxn (key 26), versions 0-4.
//
// Commits or aborts the producer's transaction: the decision is logged, a
// marker is written (and fsynced) to every partition of the transaction, and
// on commit the offsets staged by TxnOffsetCommit reach their groups; the
// answer comes once all of that is done. A repeated EndTxn for a transaction
// that already ended the same way answers NONE; the other way INVALID_TXN_STATE.
// PRODUCER_FENCED is INVALID_PRODUCER_EPOCH before v2.
import { endTxnApi } from '../../protocol/messages/end-txn.js'
import { ErrorCode } from '../../protocol/errors.js'
import { fencedForVersion } from '../txn/errors.js'
import type { Handler } from './types.js'

export const endTxnHandler: Handler<'EndTxn'> = {
  api: endTxnApi,
  async handle (request, ctx) {
    const txns = ctx.services.txns
    if (txns === undefined || txns === null) return { throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE }
    const code = await txns.endTxn(request.transactionalId, Number(request.producerId), request.producerEpoch, request.committed)
    return { throttleTimeMs: 0, errorCode: fencedForVersion(code, ctx.apiVersion, 2) }
  }
}
