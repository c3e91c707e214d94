// ACLs as Kafka clients meet them: kafkajs's admin creates, lists and deletes
// them (CreateAcls, DescribeAcls, DeleteAcls), and real produce, consume and
// metadata requests are allowed or refused by them. Without SASL every client
// is User:ANONYMOUS from 127.0.0.1, so principals are exercised through
// User:ANONYMOUS, User:* and host filters here (other principals: authorizer.test.ts).
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import kafkajs, { Kafka, logLevel, type Admin, type AclOperationTypes as AclOperation } from 'kafkajs'
import { startTributary, type StartTributaryOptions } from '../../../src/index.js'

// kafkajs is CommonJS: its enums are read off the default export
const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } = kafkajs

const ANONYMOUS = 'User:ANONYMOUS'
/** Lets the anonymous loopback client manage ACLs and topics (cluster ALTER, DESCRIBE, CREATE). */
const ADMIN_ACLS = ['alter', 'describe', 'create'].map(operation => ({ principal: ANONYMOUS, resourceType: 'cluster', operation, host: '127.0.0.1' }))

/** The Kafka error name kafkajs reports, looked for along the error's causes (kafkajs wraps what it does not retry). */
function errorType (err: unknown): string {
  for (let e = err as { type?: string, cause?: unknown, message?: string } | undefined; e !== undefined && e !== null; e = e.cause as typeof e) {
    if (typeof e.type === 'string') return e.type
  }
  return String((err as Error).message)
}

function kafka (brokers: string[]): Kafka {
  return new Kafka({ clientId: 'acl-test', brokers, logLevel: logLevel.NOTHING, retry: { retries: 0 } })
}

async function withBroker (options: StartTributaryOptions, run: (brokers: string[], admin: Admin) => Promise<void>): Promise<void> {
  await using t = await startTributary(options)
  const admin = kafka(t.brokers).admin()
  await admin.connect()
  try {
    await run(t.brokers, admin)
  } finally {
    await admin.disconnect()
  }
}

async function produce (brokers: string[], topic: string): Promise<string> {
  const producer = kafka(brokers).producer({ allowAutoTopicCreation: false })
  await producer.connect()
  try {
    await producer.send({ topic, messages: [{ value: 'v' }] })
    return 'ok'
  } catch (err) {
    return errorType(err)
  } finally {
    await producer.disconnect()
  }
}

const topicAcl = (resourceName: string, operation: AclOperation, host = '*') => ({
  resourceType: AclResourceTypes.TOPIC,
  resourceName,
  resourcePatternType: ResourcePatternTypes.LITERAL,
  principal: ANONYMOUS,
  host,
  operation,
  permissionType: AclPermissionTypes.ALLOW
})

describe('ACLs through kafkajs', () => {
  test('with authorization on and no ACL, a client sees no topic and may not produce', () => withBroker(
    { authorization: true, topics: [{ name: 'orders' }] },
    async (brokers, admin) => {
      assert.deepEqual(await admin.listTopics(), [])
      assert.equal(await produce(brokers, 'orders'), 'TOPIC_AUTHORIZATION_FAILED')
      await assert.rejects(admin.describeAcls({ resourceType: AclResourceTypes.ANY, resourcePatternType: ResourcePatternTypes.ANY, operation: AclOperationTypes.ANY, permissionType: AclPermissionTypes.ANY }),
        err => errorType(err) === 'CLUSTER_AUTHORIZATION_FAILED')
    }))

  test('an ACL created with CreateAcls allows produce on its topic only, shows in DescribeAcls and Metadata, and DeleteAcls takes it back', () => withBroker(
    { authorization: true, acls: ADMIN_ACLS, topics: [{ name: 'orders' }, { name: 'payments' }] },
    async (brokers, admin) => {
      assert.equal(await produce(brokers, 'orders'), 'TOPIC_AUTHORIZATION_FAILED')
      await admin.createAcls({ acl: [topicAcl('orders', AclOperationTypes.WRITE)] })
      assert.equal(await produce(brokers, 'orders'), 'ok')
      assert.equal(await produce(brokers, 'payments'), 'TOPIC_AUTHORIZATION_FAILED')
      // write implies describe: Metadata shows orders, and hides payments
      assert.deepEqual(await admin.listTopics(), ['orders'])

      const described = await admin.describeAcls({ resourceType: AclResourceTypes.TOPIC, resourcePatternType: ResourcePatternTypes.ANY, operation: AclOperationTypes.ANY, permissionType: AclPermissionTypes.ANY })
      assert.deepEqual(described.resources.map(r => [r.resourceName, r.acls.map(a => [a.principal, a.host, a.operation])]), [['orders', [[ANONYMOUS, '*', AclOperationTypes.WRITE]]]])

      const deleted = await admin.deleteAcls({ filters: [{ resourceType: AclResourceTypes.TOPIC, resourceName: 'orders', resourcePatternType: ResourcePatternTypes.LITERAL, operation: AclOperationTypes.ANY, permissionType: AclPermissionTypes.ANY }] })
      assert.equal(deleted.filterResponses[0]?.matchingAcls.length, 1)
      assert.equal(await produce(brokers, 'orders'), 'TOPIC_AUTHORIZATION_FAILED')
    }))

  test('a host filter lets in only the client address it names', () => withBroker(
    { authorization: true, acls: ADMIN_ACLS, topics: [{ name: 'orders' }] },
    async (brokers, admin) => {
      await admin.createAcls({ acl: [topicAcl('orders', AclOperationTypes.WRITE, '10.9.9.9')] })
      assert.equal(await produce(brokers, 'orders'), 'TOPIC_AUTHORIZATION_FAILED')
      await admin.createAcls({ acl: [topicAcl('orders', AclOperationTypes.WRITE, '127.0.0.1')] })
      assert.equal(await produce(brokers, 'orders'), 'ok')
    }))

  test('a consumer group reads with READ on the topic (from a User:* ACL) and on its group', () => withBroker(
    {
      authorization: true,
      topics: [{ name: 'orders' }],
      acls: [
        { principal: 'User:*', resourceType: 'topic', resourceName: 'orders', operation: 'all' },
        { principal: ANONYMOUS, resourceType: 'group', resourceName: 'billing', operation: 'read' }
      ]
    },
    async (brokers) => {
      assert.equal(await produce(brokers, 'orders'), 'ok')
      const consumer = kafka(brokers).consumer({ groupId: 'billing' })
      await consumer.connect()
      await consumer.subscribe({ topic: 'orders', fromBeginning: true })
      const read = await new Promise<string>((resolve, reject) => {
        consumer.run({ eachMessage: async ({ message }) => { resolve(message.value?.toString() ?? '') } }).catch(reject)
      })
      assert.equal(read, 'v')
      await consumer.disconnect()
    }))

  test('ACLs created with CreateAcls survive a restart; those of the config apply again', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trib-acl-'))
    try {
      const options = { authorization: true, acls: ADMIN_ACLS, storage: dir }
      await withBroker({ ...options, topics: [{ name: 'orders' }] }, async (_brokers, admin) => {
        await admin.createAcls({ acl: [topicAcl('orders', AclOperationTypes.READ)] })
      })
      await withBroker(options, async (brokers, admin) => {
        const all = await admin.describeAcls({ resourceType: AclResourceTypes.ANY, resourcePatternType: ResourcePatternTypes.ANY, operation: AclOperationTypes.ANY, permissionType: AclPermissionTypes.ANY })
        const names = all.resources.map(r => `${r.resourceType}:${r.resourceName}:${r.acls.length}`).sort()
        assert.deepEqual(names, [`${AclResourceTypes.TOPIC}:orders:1`, `${AclResourceTypes.CLUSTER}:kafka-cluster:3`].sort())
        assert.deepEqual(await admin.listTopics(), ['orders'])
        assert.equal(await produce(brokers, 'orders'), 'TOPIC_AUTHORIZATION_FAILED')
      })
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
