// CreateAcls, DescribeAcls and DeleteAcls over a real connection: a request
// mixing valid and invalid bindings creates the valid ones, DescribeAcls
// filters as Kafka does (MATCH finds every binding that applies to a name),
// DeleteAcls answers per filter, and v0 (no pattern type) still works.
// Authorization is off here: ACLs can be prepared before it is turned on.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { startTributary, type EmbeddedTributary } from '../../../src/index.js'
import { KafkaConnection } from '../../../src/client/connection.js'
import { ErrorCode } from '../../../src/protocol/errors.js'
import { createAclsApi, deleteAclsApi, describeAclsApi } from '../../../src/protocol/messages/acl-apis.js'
import { AclOperation as Op, PatternType as P, Permission, ResourceType as R } from '../../../src/broker/acl/index.js'

const creation = (resourceType: number, resourceName: string, resourcePatternType: number, operation: number, principal = 'User:alice') =>
  ({ resourceType, resourceName, resourcePatternType, principal, host: '*', operation, permissionType: Permission.ALLOW })
const everything = { resourceTypeFilter: R.ANY, resourceNameFilter: null, patternTypeFilter: P.ANY, principalFilter: null, hostFilter: null, operation: Op.ANY, permissionType: Permission.ANY }

describe('the ACL APIs', () => {
  let t: EmbeddedTributary
  let conn: KafkaConnection

  before(async () => {
    t = await startTributary({})
    const [host, port] = t.brokers[0]!.split(':')
    conn = await KafkaConnection.open({ host: host!, port: Number(port) })
  })
  after(async () => {
    conn?.close()
    await t?.close()
  })

  test('CreateAcls creates the valid bindings of a request and answers INVALID_REQUEST with a reason for the others', async () => {
    const { body } = await conn.request(createAclsApi, {
      creations: [
        creation(R.TOPIC, 'orders', P.PREFIXED, Op.READ),
        creation(R.GROUP, 'billing', P.LITERAL, Op.WRITE),
        creation(R.TOPIC, '*', P.LITERAL, Op.DESCRIBE, 'User:*'),
        creation(R.TOPIC, 'x', P.LITERAL, Op.READ, 'alice'),
      ]
    })
    assert.deepEqual(body.results.map(r => r.errorCode), [0, ErrorCode.INVALID_REQUEST, 0, ErrorCode.INVALID_REQUEST])
    assert.match(body.results[1]!.errorMessage ?? '', /does not apply/)
    assert.match(body.results[3]!.errorMessage ?? '', /User:<name>/)
  })

  test('DescribeAcls with MATCH finds the prefixed and wildcard bindings that apply to a name; v0 sees literal ones', async () => {
    const { body } = await conn.request(describeAclsApi, { ...everything, resourceTypeFilter: R.TOPIC, resourceNameFilter: 'orders-eu', patternTypeFilter: P.MATCH })
    assert.deepEqual(body.resources.map(r => [r.resourceName, r.patternType]).sort(), [['*', P.LITERAL], ['orders', P.PREFIXED]])
    const v0 = await conn.send(describeAclsApi, 0, { ...everything, patternTypeFilter: P.LITERAL })
    assert.deepEqual(v0.resources.map(r => r.resourceName), ['*'])
  })

  test('DeleteAcls answers the bindings each filter removed, and they are gone', async () => {
    const { body } = await conn.request(deleteAclsApi, {
      filters: [
        { ...everything, principalFilter: 'User:alice' },
        { ...everything, principalFilter: 'User:nobody' },
      ]
    })
    assert.deepEqual(body.filterResults.map(f => f.matchingAcls.map(a => a.resourceName)), [['orders'], []])
    const left = await conn.request(describeAclsApi, everything)
    assert.deepEqual(left.body.resources.map(r => r.acls.map(a => a.principal)), [['User:*']])
  })
})
