// Principals other than User:ANONYMOUS (which SASL gives a connection) reach
// the authorization wrapper through RequestContext.principal: the running
// broker's own registry answers alice, bob and a super user differently.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { startTributary } from '../../../src/index.js'
import { callHandler, type RequestContext } from '../../../src/broker/handlers/types.js'
import { ErrorCode } from '../../../src/protocol/errors.js'

test('the registry answers per principal: alice reads her topic, bob sees nothing, a super user sees everything', async () => {
  await using t = await startTributary({
    authorization: true,
    superUsers: ['User:admin'],
    topics: [{ name: 'orders' }, { name: 'payroll' }],
    acls: [
      { principal: 'User:alice', resourceType: 'topic', resourceName: 'orders', operation: 'read' },
      { principal: 'User:bob', resourceType: 'topic', resourceName: 'orders', operation: 'read', host: '10.0.0.1' }
    ]
  })
  const services = t.broker.services
  const metadata = services.handlers.get(3)!
  const visible = async (principal: string, clientHost = '127.0.0.1:40000'): Promise<string[]> => {
    const ctx: RequestContext = { apiKey: 3, apiVersion: 12, correlationId: 1, clientId: 'test', connectionId: 1, clientHost, principal, listener: 'PLAINTEXT', authenticated: principal !== 'User:ANONYMOUS', services }
    const answer = await callHandler(metadata, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }, ctx) as { topics: Array<{ name: string, errorCode: number }> }
    return answer.topics.filter(x => x.errorCode === ErrorCode.NONE).map(x => x.name).sort()
  }
  assert.deepEqual(await visible('User:alice'), ['orders'])
  assert.deepEqual(await visible('User:bob'), [], 'bob\'s ACL is for another host')
  assert.deepEqual(await visible('User:bob', '10.0.0.1:40000'), ['orders'])
  assert.deepEqual(await visible('User:ANONYMOUS'), [])
  // a super user sees every topic, the bus's own among them
  assert.deepEqual((await visible('User:admin')).filter(name => !name.startsWith('bus.')), ['orders', 'payroll'])
})
