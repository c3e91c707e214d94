// Per-action bus permissions: access keys with an IAM-style `allow` list may
// call only the actions (and resources) it names; a key without one may call
// everything. Every call is a real signed request from the AWS SDK for
// JavaScript to a running Tributary.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import {
  CreateEventBusCommand, DescribeRuleCommand, EventBridgeClient, ListEventBusesCommand, ListRulesCommand, PutEventsCommand, PutRuleCommand
} from '@aws-sdk/client-eventbridge'
import type { Tributary } from '../../../src/tributary.js'
import { startInProcess, type InProcessTributary } from '../../helpers/in-process-tributary.js'
import { defaultConfig, type BusCredential } from '../../../src/config.js'
import { securityConfigProblem } from '../../../src/config-acl.js'
import { actions } from '../../../src/bus/api/actions.js'
import { BUS_ACTION_NAMES } from '../../../src/bus/api/action-names.js'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'
const ADMIN: BusCredential = { accessKeyId: 'AKIDADMIN', secretAccessKey: 'admin-secret-long' }
const PRODUCER: BusCredential = {
  accessKeyId: 'AKIDPRODUCER',
  secretAccessKey: 'producer-secret-long',
  allow: [{ actions: ['events:PutEvents'], resources: ['arn:aws:events:*:*:event-bus/orders'] }]
}
const READER: BusCredential = { accessKeyId: 'AKIDREADER', secretAccessKey: 'reader-secret-long', allow: [{ actions: ['events:List*', 'events:describe*'], resources: ['*'] }] }
const RULES: BusCredential = { accessKeyId: 'AKIDRULES', secretAccessKey: 'rules-secret-long', allow: [{ actions: ['events:*'], resources: ['rule/orders/*', 'event-bus/orders'] }] }

describe('per-action permissions of bus access keys', () => {
  let app: Tributary
  let tributary: InProcessTributary | undefined
  const clients: EventBridgeClient[] = []
  const client = (credentials: BusCredential): EventBridgeClient => {
    const c = new EventBridgeClient({ region: 'us-east-1', endpoint: `http://127.0.0.1:${app.config.httpPort}`, credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey }, maxAttempts: 1 })
    clients.push(c)
    return c
  }
  const refusal = async (promise: Promise<unknown>): Promise<{ name: string, message: string, status?: number }> => {
    try {
      await promise
      return { name: 'no error', message: '' }
    } catch (err) {
      return { name: (err as Error).name, message: (err as Error).message, status: (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode }
    }
  }

  before(async () => {
    tributary = await startInProcess({ bus: { credentials: [ADMIN, PRODUCER, READER, RULES] } }, { prefix: 'trib-bus-perms-' })
    app = tributary.app
    await client(ADMIN).send(new CreateEventBusCommand({ Name: 'orders' }))
  })
  after(async () => {
    for (const c of clients) c.destroy()
    await tributary?.stop()
  })

  test('a key without an allow list may still call every action, as before', async () => {
    const buses = await client(ADMIN).send(new ListEventBusesCommand({}))
    assert.deepEqual(buses.EventBuses?.map(b => b.Name).sort(), ['default', 'orders'])
    await client(ADMIN).send(new PutRuleCommand({ Name: 'anything', EventPattern: '{"source":["a"]}' }))
  })

  test('a key allowed PutEvents on one bus puts events there', async () => {
    const put = await client(PRODUCER).send(new PutEventsCommand({ Entries: [{ EventBusName: 'orders', Source: 'shop', DetailType: 'Order', Detail: '{}' }] }))
    assert.equal(put.FailedEntryCount, 0)
  })

  test('the same key is refused on another bus with AWS\'s AccessDeniedException naming the user, action and resource', async () => {
    const refused = await refusal(client(PRODUCER).send(new PutEventsCommand({ Entries: [{ Source: 'shop', DetailType: 'Order', Detail: '{}' }] })))
    assert.equal(refused.name, 'AccessDeniedException')
    assert.equal(refused.status, 400)
    assert.equal(refused.message, 'User: arn:aws:iam::000000000000:user/AKIDPRODUCER is not authorized to perform: events:PutEvents on resource: arn:aws:events:us-east-1:000000000000:event-bus/default because no identity-based policy allows the events:PutEvents action')
  })

  test('one entry for a bus the key may not use refuses the whole PutEvents, so nothing of it is written', async () => {
    const refused = await refusal(client(PRODUCER).send(new PutEventsCommand({
      Entries: [{ EventBusName: 'orders', Source: 'shop', DetailType: 'Order', Detail: '{}' }, { EventBusName: 'default', Source: 'shop', DetailType: 'Order', Detail: '{}' }]
    })))
    assert.equal(refused.name, 'AccessDeniedException')
  })

  test('a key refused an action it was not given', async () => {
    const refused = await refusal(client(PRODUCER).send(new ListEventBusesCommand({})))
    assert.equal(refused.name, 'AccessDeniedException')
    assert.match(refused.message, /not authorized to perform: events:ListEventBuses on resource: \*/)
  })

  test('action wildcards match like IAM\'s, regardless of case', async () => {
    const buses = await client(READER).send(new ListEventBusesCommand({}))
    assert.equal(buses.EventBuses?.length, 2)
    await client(READER).send(new DescribeRuleCommand({ Name: 'anything' }))
    const refused = await refusal(client(READER).send(new PutRuleCommand({ Name: 'sneaky', EventPattern: '{"source":["a"]}' })))
    assert.equal(refused.name, 'AccessDeniedException')
    assert.match(refused.message, /events:PutRule on resource: arn:aws:events:us-east-1:000000000000:rule\/sneaky /)
  })

  test('resource patterns without arn: scope a key to the rules of one bus', async () => {
    await client(RULES).send(new PutRuleCommand({ Name: 'big-orders', EventBusName: 'orders', EventPattern: '{"source":["shop"]}' }))
    const listed = await client(RULES).send(new ListRulesCommand({ EventBusName: 'orders' }))
    assert.deepEqual(listed.Rules?.map(r => r.Name), ['big-orders'])
    const onDefault = await refusal(client(RULES).send(new PutRuleCommand({ Name: 'big-orders', EventPattern: '{"source":["shop"]}' })))
    assert.equal(onDefault.name, 'AccessDeniedException')
    const listDefault = await refusal(client(RULES).send(new ListRulesCommand({})))
    assert.equal(listDefault.name, 'AccessDeniedException')
  })
})

describe('bus permissions in the config', () => {
  const withCredential = (credential: unknown): string | null => securityConfigProblem({ ...defaultConfig, bus: { credentials: [credential as BusCredential] } })

  test('the action names the config is checked against are exactly the actions served', () => {
    assert.deepEqual([...BUS_ACTION_NAMES].sort(), Object.keys(actions).sort())
  })

  test('a mistyped action stops the start with a message naming it', () => {
    assert.match(withCredential({ ...PRODUCER, allow: [{ actions: ['events:PutEvent'] }] }) ?? '', /bus\.credentials\[0\]\.allow\[0\]\.actions: "events:PutEvent" names no bus action/)
    assert.match(withCredential({ ...PRODUCER, allow: [{ actions: ['sqs:SendMessage'] }] }) ?? '', /names no bus action/)
  })

  test('an allow statement with an unknown key or empty resources is refused', () => {
    assert.match(withCredential({ ...PRODUCER, allow: [{ actions: ['events:*'], effect: 'Deny' }] }) ?? '', /unknown key "effect"/)
    assert.match(withCredential({ ...PRODUCER, allow: [{ actions: ['events:*'], resources: [] }] }) ?? '', /resources must be a non-empty list/)
    assert.match(withCredential({ ...PRODUCER, allow: 'events:*' }) ?? '', /allow must be a list/)
  })

  test('the example of docs/security.md is a valid configuration', () => {
    const doc = readFileSync(new URL('../../../docs/security.md', import.meta.url), 'utf8')
    const section = doc.slice(doc.indexOf('### Per-action bus permissions'))
    const example = /```jsonc\n([\s\S]*?)```/.exec(section)?.[1]
    assert.ok(example !== undefined, 'the section has an example')
    const bus = (JSON.parse(example) as { bus: { credentials: BusCredential[] } }).bus
    assert.equal(securityConfigProblem({ ...defaultConfig, bus }), null)
    assert.equal(bus.credentials.filter(c => c.allow !== undefined).length, 2)
  })

  test('valid allow lists pass', () => {
    assert.equal(withCredential(PRODUCER), null)
    assert.equal(withCredential(RULES), null)
  })
})
