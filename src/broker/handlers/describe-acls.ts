// DescribeAcls (key 29), versions 0-3.
//
// Lists the bindings a filter selects, grouped by resource pattern. Filter
// fields that are null (names, principal, host) or ANY (types, operation,
// permission) match everything; pattern type MATCH selects every binding that
// applies to the named resource (literal, `*` and prefixes of it). ACLs of the
// config file are listed like the created ones. SECURITY_DISABLED when the
// broker has no access control. DESCRIBE on the cluster is checked before the
// handler (src/broker/acl/request-rules.ts).
//
// Version notes: v0 has no pattern type (filters literal bindings); v2+ flexible.
import { describeAclsApi } from '../../protocol/messages/acl-apis.js'
import type { Element, ResponseInput } from '../../protocol/messages/api-types.js'
import { ErrorCode } from '../../protocol/errors.js'
import type { Handler } from './types.js'

type Resource = Element<ResponseInput<'DescribeAcls'>['resources']>

export const describeAclsHandler: Handler<'DescribeAcls'> = {
  api: describeAclsApi,
  handle (request, ctx) {
    const access = ctx.services.access
    if (access === undefined) return { throttleTimeMs: 0, errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: 'No authorizer is configured on this broker.', resources: [] }
    const matched = access.authorizer.matching({
      resourceType: request.resourceTypeFilter,
      resourceName: request.resourceNameFilter,
      patternType: request.patternTypeFilter,
      principal: request.principalFilter,
      host: request.hostFilter,
      operation: request.operation,
      permission: request.permissionType
    })
    const byPattern = new Map<string, Resource & { acls: Array<Element<Resource['acls']>> }>()
    for (const b of matched) {
      const key = JSON.stringify([b.resourceType, b.patternType, b.resourceName])
      let resource = byPattern.get(key)
      if (resource === undefined) {
        resource = { resourceType: b.resourceType, resourceName: b.resourceName, patternType: b.patternType, acls: [] }
        byPattern.set(key, resource)
      }
      resource.acls.push({ principal: b.principal, host: b.host, operation: b.operation, permissionType: b.permission })
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, resources: [...byPattern.values()] }
  }
}
