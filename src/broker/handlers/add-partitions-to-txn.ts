// AddPartitionsToTxn (key 24), versions 0-5.
//
// A transactional producer adds partitions to its transaction before writing
// to them (the first one begins the transaction). Unknown partitions are
// UNKNOWN_TOPIC_OR_PARTITION and the others of the request OPERATION_NOT_ATTEMPTED;
// otherwise one coordinator answer for every partition: INVALID_PRODUCER_ID_MAPPING,
// PRODUCER_FENCED (INVALID_PRODUCER_EPOCH before v2), CONCURRENT_TRANSACTIONS
// while the previous transaction completes. v0-3 carry one transaction; v4 (the
// broker-to-coordinator form) a batch of them, each possibly verifyOnly.
import { addPartitionsToTxnApi } from '../../protocol/messages/add-partitions-to-txn.js'
import { ErrorCode } from '../../protocol/errors.js'
import { fencedForVersion } from '../txn/errors.js'
import type { Handler, RequestContext } from './types.js'

interface TopicIn { name: string, partitions: number[] }
interface TopicResult { name: string, resultsByPartition: Array<{ partitionIndex: number, partitionErrorCode: number }> }

async function addOne (ctx: RequestContext, id: string, producerId: number, producerEpoch: number, topics: TopicIn[], verifyOnly: boolean): Promise<TopicResult[]> {
  const { log, txns } = ctx.services
  const unknown = new Set<string>()
  for (const t of topics) for (const p of t.partitions) if (log.partition(t.name, p) === undefined) unknown.add(`${t.name}:${p}`)
  let code: number
  if (txns === undefined || txns === null) code = ErrorCode.COORDINATOR_NOT_AVAILABLE
  else if (unknown.size > 0) code = ErrorCode.OPERATION_NOT_ATTEMPTED
  else {
    const partitions = topics.flatMap(t => t.partitions.map(partition => ({ topic: t.name, partition })))
    code = fencedForVersion(await txns.addPartitions(id, producerId, producerEpoch, partitions, verifyOnly), ctx.apiVersion, 2)
  }
  return topics.map(t => ({
    name: t.name,
    resultsByPartition: t.partitions.map(p => ({ partitionIndex: p, partitionErrorCode: unknown.has(`${t.name}:${p}`) ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : code }))
  }))
}

export const addPartitionsToTxnHandler: Handler<'AddPartitionsToTxn'> = {
  api: addPartitionsToTxnApi,
  async handle (request, ctx) {
    if (ctx.apiVersion <= 3) {
      const results = await addOne(ctx, request.v3AndBelowTransactionalId, Number(request.v3AndBelowProducerId), request.v3AndBelowProducerEpoch, request.v3AndBelowTopics, false)
      return { throttleTimeMs: 0, resultsByTopicV3AndBelow: results }
    }
    const resultsByTransaction = []
    for (const t of request.transactions) {
      const topicResults = await addOne(ctx, t.transactionalId, Number(t.producerId), t.producerEpoch, t.topics, t.verifyOnly)
      resultsByTransaction.push({ transactionalId: t.transactionalId, topicResults })
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, resultsByTransaction }
  }
}
