import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import {
  CreateApiDestinationCommand, CreateConnectionCommand, DeleteApiDestinationCommand, DeleteConnectionCommand, DescribeApiDestinationCommand,
  DescribeConnectionCommand, ListApiDestinationsCommand, ListConnectionsCommand, PutEventsCommand, PutRuleCommand, PutTargetsCommand,
  UpdateApiDestinationCommand, UpdateConnectionCommand,
} from '@aws-sdk/client-eventbridge'
import { startBus, TargetServer, type BusHarness } from '../harness.js'
import { at, exactly } from '../../helpers/at.js'

let h: BusHarness
let target: TargetServer
before(async () => {
  h = await startBus()
  target = await new TargetServer().start()
})
after(async () => { await target.close(); await h.close() })

async function routeThrough (name: string, connectionArn: string, path: string, extra: Record<string, unknown> = {}): Promise<void> {
  const { ApiDestinationArn } = await h.client.send(new CreateApiDestinationCommand({ Name: name, ConnectionArn: connectionArn, InvocationEndpoint: `${target.url}${path}`, HttpMethod: 'POST' }))
  await h.client.send(new PutRuleCommand({ Name: name, EventPattern: JSON.stringify({ source: [name] }) }))
  await h.client.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: 'api', Arn: ApiDestinationArn, ...extra }] }))
  await h.client.send(new PutEventsCommand({ Entries: [{ Source: name, DetailType: 'd', Detail: '{"k":"v"}' }] }))
}

test('a Basic connection authorizes calls to its API destination, and Describe hides the password', async () => {
  const { ConnectionArn, ConnectionState } = await h.client.send(new CreateConnectionCommand({
    Name: 'basic', AuthorizationType: 'BASIC', AuthParameters: { BasicAuthParameters: { Username: 'u', Password: 'p' } },
  }))
  assert.equal(ConnectionState, 'AUTHORIZED')
  const described = await h.client.send(new DescribeConnectionCommand({ Name: 'basic' }))
  assert.deepEqual(described.AuthParameters!.BasicAuthParameters, { Username: 'u' })
  const before = target.received.length
  await routeThrough('basic-dest', ConnectionArn!, '/orders/*', { HttpParameters: { PathParameterValues: ['o-1'], HeaderParameters: { 'X-Trace': 't1' }, QueryStringParameters: { q: '1' } } })
  await target.waitFor(before + 1)
  const request = at(target.received, before)
  assert.equal(request.headers.authorization, `Basic ${Buffer.from('u:p').toString('base64')}`)
  assert.equal(request.url, '/orders/o-1?q=1')
  assert.equal(request.headers['x-trace'], 't1')
  assert.equal(JSON.parse(request.body).detail.k, 'v')
})

test('an API key connection sends its header and invocation parameters', async () => {
  const { ConnectionArn } = await h.client.send(new CreateConnectionCommand({
    Name: 'apikey',
    AuthorizationType: 'API_KEY',
    AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: 'x-api-key', ApiKeyValue: 'secret' }, InvocationHttpParameters: { HeaderParameters: [{ Key: 'x-extra', Value: 'e' }] } },
  }))
  const before = target.received.length
  await routeThrough('apikey-dest', ConnectionArn!, '/k')
  await target.waitFor(before + 1)
  assert.equal(at(target.received, before).headers['x-api-key'], 'secret')
  assert.equal(at(target.received, before).headers['x-extra'], 'e')
})

test('an OAuth client-credentials connection fetches a token and sends it as Bearer', async () => {
  const { ConnectionArn } = await h.client.send(new CreateConnectionCommand({
    Name: 'oauth',
    AuthorizationType: 'OAUTH_CLIENT_CREDENTIALS',
    AuthParameters: { OAuthParameters: { ClientParameters: { ClientID: 'id', ClientSecret: 'sec' }, AuthorizationEndpoint: `${target.url}/token`, HttpMethod: 'POST' } },
  }))
  const before = target.received.length
  await routeThrough('oauth-dest', ConnectionArn!, '/o')
  await target.waitFor(before + 2)
  const [tokenRequest, call] = exactly(target.received.slice(before), 2)
  assert.equal(tokenRequest.url, '/token')
  assert.equal(tokenRequest.headers.authorization, `Basic ${Buffer.from('id:sec').toString('base64')}`)
  assert.match(tokenRequest.body, /grant_type=client_credentials/)
  assert.equal(call.headers.authorization, 'Bearer tok-1')
})

test('connections and API destinations are listed, updated and deleted', async () => {
  const conns = await h.client.send(new ListConnectionsCommand({ NamePrefix: 'ba' }))
  assert.deepEqual(conns.Connections!.map(c => c.Name), ['basic'])
  await h.client.send(new UpdateConnectionCommand({ Name: 'basic', Description: 'changed' }))
  assert.equal((await h.client.send(new DescribeConnectionCommand({ Name: 'basic' }))).Description, 'changed')
  await h.client.send(new UpdateApiDestinationCommand({ Name: 'basic-dest', HttpMethod: 'PUT' }))
  assert.equal((await h.client.send(new DescribeApiDestinationCommand({ Name: 'basic-dest' }))).HttpMethod, 'PUT')
  const dests = await h.client.send(new ListApiDestinationsCommand({}))
  assert.deepEqual(dests.ApiDestinations!.map(d => d.Name), ['apikey-dest', 'basic-dest', 'oauth-dest'])
  await h.client.send(new DeleteApiDestinationCommand({ Name: 'apikey-dest' }))
  assert.equal((await h.client.send(new DeleteConnectionCommand({ Name: 'apikey' }))).ConnectionState, 'DELETING')
  await assert.rejects(h.client.send(new DescribeConnectionCommand({ Name: 'apikey' })), { name: 'ResourceNotFoundException' })
  await assert.rejects(h.client.send(new DescribeApiDestinationCommand({ Name: 'apikey-dest' })), { name: 'ResourceNotFoundException' })
})

test('a connection without the parameters of its type is refused', async () => {
  await assert.rejects(h.client.send(new CreateConnectionCommand({ Name: 'x', AuthorizationType: 'BASIC', AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: 'a', ApiKeyValue: 'b' } } })), { name: 'ValidationException' })
  await assert.rejects(h.client.send(new CreateConnectionCommand({ Name: 'x', AuthorizationType: 'NOPE' as 'BASIC', AuthParameters: {} })), {
    name: 'ValidationException', message: /at 'authorizationType' failed to satisfy constraint: Member must satisfy enum value set/,
  })
})
