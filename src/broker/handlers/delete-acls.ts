// DeleteAcls (key 31), versions 0-3.
//
// Removes every binding each filter selects (filters as in DescribeAcls) and
// answers, per filter, the bindings it removed; the removal is durable before
// the answer. A binding of the config file is removed until the next start,
// which applies the file again. SECURITY_DISABLED when the broker has no
// access control. ALTER on the cluster is checked before the handler
// (src/broker/acl/request-rules.ts).
//
// Version notes: v0 has no pattern type (filters literal bindings); v2+ flexible.
import { deleteAclsApi } from '../../protocol/messages/acl-apis.js'
import { ErrorCode } from '../../protocol/errors.js'
import type { Handler } from './types.js'

export const deleteAclsHandler: Handler<'DeleteAcls'> = {
  api: deleteAclsApi,
  async handle (request, ctx) {
    const access = ctx.services.access
    if (access === undefined) {
      return { throttleTimeMs: 0, filterResults: request.filters.map(() => ({ errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: 'No authorizer is configured on this broker.', matchingAcls: [] })) }
    }
    let removed
    try {
      removed = await access.delete(request.filters.map(f => ({
        resourceType: f.resourceTypeFilter,
        resourceName: f.resourceNameFilter,
        patternType: f.patternTypeFilter,
        principal: f.principalFilter,
        host: f.hostFilter,
        operation: f.operation,
        permission: f.permissionType
      })))
    } catch (err) {
      ctx.services.logger.error({ err }, 'removing ACLs failed')
      return { throttleTimeMs: 0, filterResults: request.filters.map(() => ({ errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, errorMessage: `removing the ACLs failed: ${(err as Error).message}`, matchingAcls: [] })) }
    }
    return {
      throttleTimeMs: 0,
      filterResults: removed.map(list => ({
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        matchingAcls: list.map(b => ({
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          resourceType: b.resourceType,
          resourceName: b.resourceName,
          patternType: b.patternType,
          principal: b.principal,
          host: b.host,
          operation: b.operation,
          permissionType: b.permission
        }))
      }))
    }
  }
}
