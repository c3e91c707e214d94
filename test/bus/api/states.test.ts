// Resource states as AWS reports them: a cancelled replay, OAuth connections
// while and after their token is fetched, API destinations of unauthorized
// connections (EventBridge API reference: CancelReplay, Connection, ApiDestination).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  CancelReplayCommand, CreateApiDestinationCommand, CreateArchiveCommand, CreateConnectionCommand, DeauthorizeConnectionCommand,
  DescribeApiDestinationCommand, DescribeArchiveCommand, DescribeConnectionCommand, DescribeReplayCommand, PutEventsCommand, StartReplayCommand,
} from '@aws-sdk/client-eventbridge'
import { realFs, type FileSystem } from '../../../src/log/fs.js'
import { eventually, startBus, TargetServer } from '../harness.js'

/** The real file system, except that fsyncs of files under `marker` wait while the gate is closed. */
function gatedSyncFs (marker: string): { fs: FileSystem, close: () => void, open: () => void } {
  let gate: Promise<void> = Promise.resolve()
  let release = (): void => {}
  const fs: FileSystem = {
    ...realFs,
    open: async (path, create) => {
      const handle = await realFs.open(path, create)
      if (!path.includes(marker)) return handle
      return {
        writev: async (buffers, position) => await handle.writev(buffers, position),
        read: async (buffer, offset, length, position) => await handle.read(buffer, offset, length, position),
        sync: async () => { await gate; await handle.sync() },
        truncate: async length => await handle.truncate(length),
        size: async () => await handle.size(),
        close: async () => await handle.close(),
      }
    },
  }
  return { fs, close: () => { gate = new Promise(resolve => { release = resolve }) }, open: () => release() }
}

const oauth = (endpoint: string) => ({
  Name: 'oauth',
  AuthorizationType: 'OAUTH_CLIENT_CREDENTIALS' as const,
  AuthParameters: { OAuthParameters: { ClientParameters: { ClientID: 'id', ClientSecret: 'secret' }, AuthorizationEndpoint: endpoint, HttpMethod: 'POST' as const } },
})

test('CancelReplay answers CANCELLING and the replay then ends CANCELLED', async (t) => {
  const gated = gatedSyncFs('bus.default-0')
  const h = await startBus({}, { fs: gated.fs })
  t.after(() => { gated.open(); return h.close() })
  const busArn = 'arn:aws:events:us-east-1:123456789012:event-bus/default'
  await h.client.send(new CreateArchiveCommand({ ArchiveName: 'all', EventSourceArn: busArn }))
  await h.client.send(new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'd', Detail: '{}' }] }))
  await eventually(async () => (await h.client.send(new DescribeArchiveCommand({ ArchiveName: 'all' }))).EventCount === 1 || undefined)
  // The replay's append to the bus cannot become durable until the gate opens: it is still running when cancelled.
  gated.close()
  const now = Date.now()
  await h.client.send(new StartReplayCommand({
    ReplayName: 'r', EventSourceArn: 'arn:aws:events:us-east-1:123456789012:archive/all', Destination: { Arn: busArn }, EventStartTime: new Date(now - 3_600_000), EventEndTime: new Date(now + 3_600_000),
  }))
  const cancelled = await h.client.send(new CancelReplayCommand({ ReplayName: 'r' }))
  assert.equal(cancelled.State, 'CANCELLING')
  gated.open()
  await h.bus.replays.settled('r')
  const described = await h.client.send(new DescribeReplayCommand({ ReplayName: 'r' }))
  assert.equal(described.State, 'CANCELLED')
  assert.ok(described.ReplayEndTime instanceof Date)
})

test('an OAuth connection is AUTHORIZING until its token is fetched, then AUTHORIZED, and its API destination ACTIVE', async (t) => {
  const h = await startBus()
  const auth = await new TargetServer().start()
  t.after(async () => { await auth.close(); await h.close() })
  // the answer is written before the token request starts
  const created = await h.client.send(new CreateConnectionCommand(oauth(`${auth.url}/token`)))
  assert.equal(created.ConnectionState, 'AUTHORIZING')
  const described = await eventually(async () => {
    const c = await h.client.send(new DescribeConnectionCommand({ Name: 'oauth' }))
    return c.ConnectionState === 'AUTHORIZED' ? c : undefined
  })
  assert.ok(described.LastAuthorizedTime instanceof Date)
  assert.equal(auth.received[0]!.url, '/token')
  await h.client.send(new CreateApiDestinationCommand({ Name: 'dest', ConnectionArn: created.ConnectionArn!, InvocationEndpoint: 'https://example.com/', HttpMethod: 'POST' }))
  assert.equal((await h.client.send(new DescribeApiDestinationCommand({ Name: 'dest' }))).ApiDestinationState, 'ACTIVE')
})

test('an OAuth connection whose token request fails becomes DEAUTHORIZED with the reason, and its API destination is INACTIVE', async (t) => {
  const h = await startBus()
  const auth = await new TargetServer().start()
  t.after(async () => { await auth.close(); await h.close() })
  auth.respond = () => 401
  const created = await h.client.send(new CreateConnectionCommand(oauth(`${auth.url}/token`)))
  const described = await eventually(async () => {
    const c = await h.client.send(new DescribeConnectionCommand({ Name: 'oauth' }))
    return c.ConnectionState === 'DEAUTHORIZED' ? c : undefined
  })
  assert.match(described.StateReason!, /401/)
  await h.client.send(new CreateApiDestinationCommand({ Name: 'dest', ConnectionArn: created.ConnectionArn!, InvocationEndpoint: 'https://example.com/', HttpMethod: 'POST' }))
  assert.equal((await h.client.send(new DescribeApiDestinationCommand({ Name: 'dest' }))).ApiDestinationState, 'INACTIVE')
})

test('an API destination becomes INACTIVE when its connection is deauthorized', async (t) => {
  const h = await startBus()
  t.after(() => h.close())
  const { ConnectionArn } = await h.client.send(new CreateConnectionCommand({ Name: 'basic', AuthorizationType: 'BASIC', AuthParameters: { BasicAuthParameters: { Username: 'u', Password: 'p' } } }))
  const created = await h.client.send(new CreateApiDestinationCommand({ Name: 'dest', ConnectionArn, InvocationEndpoint: 'https://example.com/', HttpMethod: 'POST' }))
  assert.equal(created.ApiDestinationState, 'ACTIVE')
  await h.client.send(new DeauthorizeConnectionCommand({ Name: 'basic' }))
  assert.equal((await h.client.send(new DescribeApiDestinationCommand({ Name: 'dest' }))).ApiDestinationState, 'INACTIVE')
})
