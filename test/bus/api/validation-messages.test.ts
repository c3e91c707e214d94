// Requests wrong in several ways list every error, in AWS's order and count,
// and enum values as AWS accepts them (EventBridge API reference, Common Errors).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { CreateApiDestinationCommand, CreateConnectionCommand, DescribeApiDestinationCommand, type ApiDestinationHttpMethod } from '@aws-sdk/client-eventbridge'
import { startBus, type BusHarness } from '../harness.js'

let h: BusHarness
let connectionArn: string
before(async () => {
  h = await startBus()
  connectionArn = (await h.client.send(new CreateConnectionCommand({ Name: 'basic', AuthorizationType: 'BASIC', AuthParameters: { BasicAuthParameters: { Username: 'u', Password: 'p' } } }))).ConnectionArn!
})
after(async () => { await h.close() })

test('a connection name that breaks both its pattern and its length lists the pattern error first', async () => {
  const name = `${'x'.repeat(64)} y`
  await assert.rejects(h.client.send(new CreateConnectionCommand({ Name: name, AuthorizationType: 'BASIC', AuthParameters: { BasicAuthParameters: { Username: 'u', Password: 'p' } } })), {
    name: 'ValidationException',
    message: `2 validation errors detected: Value '${name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+; ` +
      `Value '${name}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 64`,
  })
})

test('an API destination with an invalid connection ARN and an invalid method reports both, the methods in AWS\'s order', async () => {
  await assert.rejects(h.client.send(new CreateApiDestinationCommand({ Name: 'd', ConnectionArn: 'not-an-arn', InvocationEndpoint: 'https://example.com/', HttpMethod: 'FETCH' as ApiDestinationHttpMethod })), {
    name: 'ValidationException',
    message: '2 validation errors detected: ' +
      "Value 'not-an-arn' at 'connectionArn' failed to satisfy constraint: Member must satisfy regular expression pattern: ^arn:aws([a-z]|\\-)*:events:([a-z]|\\d|\\-)*:([0-9]{12})?:connection\\/[\\.\\-_A-Za-z0-9]+\\/[\\-A-Za-z0-9]+$; " +
      "Value 'FETCH' at 'httpMethod' failed to satisfy constraint: Member must satisfy enum value set: [HEAD, POST, PATCH, DELETE, PUT, GET, OPTIONS]",
  })
})

test('HTTP methods are accepted in any case', async () => {
  await h.client.send(new CreateApiDestinationCommand({ Name: 'lower', ConnectionArn: connectionArn, InvocationEndpoint: 'https://example.com/', HttpMethod: 'post' as ApiDestinationHttpMethod }))
  assert.equal((await h.client.send(new DescribeApiDestinationCommand({ Name: 'lower' }))).HttpMethod, 'POST')
})
