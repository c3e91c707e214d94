// FindCoordinator (key 10), versions 0-4.
//
// Tributary is a single node: every group (key type 0) and every
// transactional id (key type 1) is coordinated here, so the answer is always
// this broker's node id and advertised address. Other key types are
// INVALID_REQUEST; while the group coordinator is not running the answer is
// COORDINATOR_NOT_AVAILABLE (clients retry).
//
// Version notes: v1 adds keyType, throttle time and errorMessage; v3 is
// flexible; v4 batches keys (coordinatorKeys) and answers one entry per key.
import { findCoordinatorApi } from '../../protocol/messages/find-coordinator.js'
import { ErrorCode } from '../../protocol/errors.js'
import type { Handler, RequestContext } from './types.js'
import { advertisedAddress } from '../advertised.js'

const KeyType = { Group: 0, Transaction: 1 } as const

interface CoordinatorAnswer { nodeId: number, host: string, port: number, errorCode: number, errorMessage: string | null }

function answerFor (keyType: number, ctx: RequestContext): CoordinatorAnswer {
  const config = ctx.services.config
  if (keyType !== KeyType.Group && keyType !== KeyType.Transaction) {
    return { nodeId: -1, host: '', port: -1, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `unknown key type ${keyType}` }
  }
  if (keyType === KeyType.Group && (ctx.services.groups === null || ctx.services.groups === undefined)) {
    return { nodeId: -1, host: '', port: -1, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, errorMessage: 'the group coordinator is not running' }
  }
  return { nodeId: config.nodeId, ...advertisedAddress(ctx), errorCode: ErrorCode.NONE, errorMessage: null }
}

export const findCoordinatorHandler: Handler<'FindCoordinator'> = {
  api: findCoordinatorApi,
  handle (request, ctx) {
    const keyType = ctx.apiVersion >= 1 ? request.keyType : KeyType.Group
    const answer = answerFor(keyType, ctx)
    if (ctx.apiVersion >= 4) {
      return { throttleTimeMs: 0, coordinators: request.coordinatorKeys.map(key => ({ key, ...answer })) }
    }
    return { throttleTimeMs: 0, ...answer }
  }
}
