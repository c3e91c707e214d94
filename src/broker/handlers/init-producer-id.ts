// InitProducerId (key 22), versions 0-5.
//
// Without a transactional id: a fresh producer id with epoch 0 (idempotent
// producer). With one: the id's producer id and the next epoch, which fences
// any earlier producer with the same transactional id and aborts its open
// transaction. v3+ may carry the producer's current id and epoch (KIP-360
// recovery); a mismatch is PRODUCER_FENCED (INVALID_PRODUCER_EPOCH before v4).
// A timeout above transaction.max.timeout.ms is INVALID_TRANSACTION_TIMEOUT.
import { initProducerIdApi } from '../../protocol/messages/init-producer-id.js'
import { ErrorCode } from '../../protocol/errors.js'
import { fencedForVersion } from '../txn/errors.js'
import type { Handler } from './types.js'

export const initProducerIdHandler: Handler<'InitProducerId'> = {
  api: initProducerIdApi,
  async handle (request, ctx) {
    const txns = ctx.services.txns
    const failed = (errorCode: number) => ({ throttleTimeMs: 0, errorCode, producerId: -1n, producerEpoch: -1 })
    if (txns === undefined || txns === null) return failed(ErrorCode.COORDINATOR_NOT_AVAILABLE)
    try {
      const r = await txns.initProducerId(request.transactionalId, request.transactionTimeoutMs,
        Number(request.producerId), request.producerEpoch)
      return { throttleTimeMs: 0, errorCode: fencedForVersion(r.errorCode, ctx.apiVersion, 4), producerId: BigInt(r.producerId), producerEpoch: r.producerEpoch }
    } catch (err) {
      ctx.services.logger.error({ err, transactionalId: request.transactionalId ?? null }, 'InitProducerId failed')
      return failed(ErrorCode.COORDINATOR_NOT_AVAILABLE)
    }
  }
}
