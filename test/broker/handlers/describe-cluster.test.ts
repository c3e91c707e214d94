import { test, describe, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { describeClusterHandler } from '../../../src/broker/handlers/describe-cluster.js'
import { ErrorCode } from '../../../src/protocol/errors.js'
import { openAdminContext, type AdminContext } from '../../helpers/handler-context.js'

describe('DescribeCluster', () => {
  let admin: AdminContext
  beforeEach(async () => { admin = await openAdminContext({ nodeId: 7, advertisedHost: 'kafka.example', kafkaPort: 9099, clusterId: 'c-42' }) })
  afterEach(async () => { await admin.close() })

  test('describes this node as the only broker and the controller (v0)', async () => {
    const res = await admin.call(describeClusterHandler, 0, { includeClusterAuthorizedOperations: false })
    assert.equal(res.errorCode, 0)
    assert.equal(res.clusterId, 'c-42')
    assert.equal(res.controllerId, 7)
    assert.deepEqual(res.brokers, [{ brokerId: 7, host: 'kafka.example', port: 9099, rack: null }])
    assert.equal(res.clusterAuthorizedOperations, -2147483648)
  })

  test('answers the cluster operations when asked for them', async () => {
    const res = await admin.call(describeClusterHandler, 1, { includeClusterAuthorizedOperations: true, endpointType: 1 })
    const DESCRIBE = 8
    assert.ok((res.clusterAuthorizedOperations & (1 << DESCRIBE)) !== 0)
    assert.equal(res.endpointType, 1)
  })

  test('v1 asking for controllers is MISMATCHED_ENDPOINT_TYPE, another type UNSUPPORTED_ENDPOINT_TYPE', async () => {
    const controllers = await admin.call(describeClusterHandler, 1, { includeClusterAuthorizedOperations: false, endpointType: 2 })
    assert.equal(controllers.errorCode, ErrorCode.MISMATCHED_ENDPOINT_TYPE)
    assert.deepEqual(controllers.brokers, [])
    const odd = await admin.call(describeClusterHandler, 1, { includeClusterAuthorizedOperations: false, endpointType: 9 })
    assert.equal(odd.errorCode, ErrorCode.UNSUPPORTED_ENDPOINT_TYPE)
  })
})
