// CreateAcls (key 30), versions 0-3.
//
// Adds ACL bindings; they are durable (fsynced in the ACL journal) before the
// answer and apply to the next request. One result per creation, in order:
// INVALID_REQUEST with a reason for a binding that cannot exist (a pattern
// other than literal or prefixed, an operation the resource type does not
// take, a principal not of the form User:<name>); the valid ones of the same
// request are still created. Creating a binding that exists is a success.
// SECURITY_DISABLED when the broker has no access control. Who may call it
// (ALTER on the cluster) is checked before the handler (src/broker/acl/request-rules.ts).
//
// Version notes: v0 has no pattern type (every binding is literal); v2+ flexible.
import { createAclsApi } from '../../protocol/messages/acl-apis.js'
import { ErrorCode } from '../../protocol/errors.js'
import { bindingProblem, type AclBinding } from '../acl/acl-model.js'
import type { Handler } from './types.js'

export const createAclsHandler: Handler<'CreateAcls'> = {
  api: createAclsApi,
  async handle (request, ctx) {
    const access = ctx.services.access
    if (access === undefined) {
      return { throttleTimeMs: 0, results: request.creations.map(() => ({ errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: 'No authorizer is configured on this broker.' })) }
    }
    const valid: AclBinding[] = []
    const results = request.creations.map(c => {
      const binding: AclBinding = {
        resourceType: c.resourceType,
        resourceName: c.resourceName,
        patternType: c.resourcePatternType,
        principal: c.principal,
        host: c.host,
        operation: c.operation,
        permission: c.permissionType
      }
      const problem = bindingProblem(binding)
      if (problem !== null) return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: problem }
      valid.push(binding)
      return { errorCode: ErrorCode.NONE, errorMessage: null }
    })
    try {
      await access.create(valid)
    } catch (err) {
      ctx.services.logger.error({ err }, 'storing ACLs failed')
      const failed = { errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, errorMessage: `storing the ACLs failed: ${(err as Error).message}` }
      return { throttleTimeMs: 0, results: results.map(r => r.errorCode === ErrorCode.NONE ? failed : r) }
    }
    return { throttleTimeMs: 0, results }
  }
}
