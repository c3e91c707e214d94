// Fields are read through typed readers (src/bus/fields.ts), not cast: a member of the
// wrong JSON type is a SerializationException, as on AWS, and is never stored; a missing
// required list is a ValidationException, not a crash. Raw HTTP, because the AWS SDK
// refuses these shapes before sending them.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startBus, type BusHarness } from '../harness.js'

let h: BusHarness
before(async () => { h = await startBus() })
after(async () => { await h.close() })

async function call (action: string, input: unknown): Promise<{ status: number, body: { __type?: string, message?: string } & Record<string, unknown> }> {
  const response = await fetch(`${h.endpoint}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSEvents.${action}` },
    body: JSON.stringify(input),
  })
  return { status: response.status, body: await response.json() as { __type?: string } & Record<string, unknown> }
}

test('RemoveTargets with a number among its ids is a SerializationException and removes nothing', async () => {
  assert.equal((await call('PutRule', { Name: 'typed', EventPattern: '{"source":["s"]}' })).status, 200)
  assert.equal((await call('PutTargets', { Rule: 'typed', Targets: [{ Id: '1', Arn: 'arn:aws:sqs:us-east-1:123456789012:q' }] })).status, 200)
  const answer = await call('RemoveTargets', { Rule: 'typed', Ids: ['1', 2] })
  assert.equal(answer.status, 400)
  assert.equal(answer.body.__type, 'SerializationException')
  const listed = await call('ListTargetsByRule', { Rule: 'typed' })
  assert.deepEqual((listed.body.Targets as Array<{ Id: string }>).map(t => t.Id), ['1'])
})

test('PutTargets without Targets is a ValidationException naming the member', async () => {
  const answer = await call('PutTargets', { Rule: 'typed' })
  assert.equal(answer.status, 400)
  assert.equal(answer.body.__type, 'ValidationException')
  assert.match(answer.body.message ?? '', /Value null at 'targets' failed to satisfy constraint: Member must not be null/)
})

test('CreateConnection with a number for the basic-auth username is a SerializationException and creates nothing', async () => {
  const answer = await call('CreateConnection', {
    Name: 'typed', AuthorizationType: 'BASIC', AuthParameters: { BasicAuthParameters: { Username: 42, Password: 'p' } },
  })
  assert.equal(answer.status, 400)
  assert.equal(answer.body.__type, 'SerializationException')
  assert.equal((await call('DescribeConnection', { Name: 'typed' })).body.__type, 'ResourceNotFoundException')
})
