// The authorizer's rules (Kafka's StandardAuthorizer): deny wins, literal,
// wildcard and prefixed patterns, User:* and host filters, the implied
// operations, super users, and no access without an ACL.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Authorizer, AclOperation as Op, ResourceType as R, PatternType as P, Permission, bindingFromConfig, clientAddress, filterMatches, type AclBinding } from '../../../src/broker/acl/index.js'

const alice = { principal: 'User:alice', host: '10.0.0.5' }
const bob = { principal: 'User:bob', host: '10.0.0.6' }

function acl (overrides: Partial<AclBinding>): AclBinding {
  return { resourceType: R.TOPIC, resourceName: 'orders', patternType: P.LITERAL, principal: 'User:alice', host: '*', operation: Op.READ, permission: Permission.ALLOW, ...overrides }
}

function authorizer (...bindings: AclBinding[]): Authorizer {
  const a = new Authorizer({ enabled: true, superUsers: ['User:admin'] })
  a.add(bindings)
  return a
}

test('without an ACL nobody but a super user may do anything', () => {
  const a = authorizer()
  assert.equal(a.authorize(alice, Op.READ, R.TOPIC, 'orders'), false)
  assert.equal(a.authorize({ principal: 'User:admin', host: '1.2.3.4' }, Op.DELETE, R.TOPIC, 'orders'), true)
})

test('an authorizer that is off allows everything', () => {
  assert.equal(new Authorizer({ enabled: false }).authorize(alice, Op.DELETE, R.CLUSTER, 'kafka-cluster'), true)
})

test('a literal allow covers its own name only, for its principal only', () => {
  const a = authorizer(acl({}))
  assert.equal(a.authorize(alice, Op.READ, R.TOPIC, 'orders'), true)
  assert.equal(a.authorize(alice, Op.READ, R.TOPIC, 'orders2'), false)
  assert.equal(a.authorize(bob, Op.READ, R.TOPIC, 'orders'), false)
  assert.equal(a.authorize(alice, Op.WRITE, R.TOPIC, 'orders'), false)
  assert.equal(a.authorize(alice, Op.READ, R.GROUP, 'orders'), false)
})

test('a prefixed allow covers every name starting with it; a literal * covers every name', () => {
  const a = authorizer(acl({ resourceName: 'sales.', patternType: P.PREFIXED }), acl({ resourceName: '*', principal: 'User:bob', operation: Op.WRITE }))
  assert.equal(a.authorize(alice, Op.READ, R.TOPIC, 'sales.eu'), true)
  assert.equal(a.authorize(alice, Op.READ, R.TOPIC, 'sales'), false)
  assert.equal(a.authorize(bob, Op.WRITE, R.TOPIC, 'anything'), true)
})

test('deny wins over allow, however wide the allow and narrow the deny', () => {
  const a = authorizer(
    acl({ resourceName: '*', operation: Op.ALL }),
    acl({ resourceName: 'secret', patternType: P.PREFIXED, operation: Op.READ, permission: Permission.DENY })
  )
  assert.equal(a.authorize(alice, Op.READ, R.TOPIC, 'orders'), true)
  assert.equal(a.authorize(alice, Op.READ, R.TOPIC, 'secret-plans'), false)
  assert.equal(a.authorize(alice, Op.WRITE, R.TOPIC, 'secret-plans'), true)
})

test('User:* applies to every principal, and a deny for User:* reaches everyone', () => {
  const a = authorizer(acl({ principal: 'User:*' }), acl({ principal: 'User:*', resourceName: 'hidden', permission: Permission.DENY }), acl({ resourceName: 'hidden' }))
  assert.equal(a.authorize(bob, Op.READ, R.TOPIC, 'orders'), true)
  assert.equal(a.authorize(alice, Op.READ, R.TOPIC, 'hidden'), false)
})

test('a host filter admits only that client address', () => {
  const a = authorizer(acl({ host: '10.0.0.5' }))
  assert.equal(a.authorize(alice, Op.READ, R.TOPIC, 'orders'), true)
  assert.equal(a.authorize({ ...alice, host: '10.0.0.99' }, Op.READ, R.TOPIC, 'orders'), false)
})

test('read, write, delete and alter imply describe; alter-configs implies describe-configs; nothing else is implied', () => {
  for (const op of [Op.READ, Op.WRITE, Op.DELETE, Op.ALTER]) {
    assert.equal(authorizer(acl({ operation: op })).authorize(alice, Op.DESCRIBE, R.TOPIC, 'orders'), true, `operation ${op}`)
  }
  const configs = authorizer(acl({ operation: Op.ALTER_CONFIGS }))
  assert.equal(configs.authorize(alice, Op.DESCRIBE_CONFIGS, R.TOPIC, 'orders'), true)
  assert.equal(configs.authorize(alice, Op.DESCRIBE, R.TOPIC, 'orders'), false)
  assert.equal(authorizer(acl({ operation: Op.DESCRIBE })).authorize(alice, Op.READ, R.TOPIC, 'orders'), false)
  // a deny of describe is not implied by a deny of read
  const denyRead = authorizer(acl({ operation: Op.ALL }), acl({ permission: Permission.DENY }))
  assert.equal(denyRead.authorize(alice, Op.DESCRIBE, R.TOPIC, 'orders'), true)
})

test('authorizeAny finds an allow on some resource of the type unless a deny covers it', () => {
  assert.equal(authorizer(acl({ operation: Op.WRITE })).authorizeAny(alice, Op.WRITE, R.TOPIC), true)
  assert.equal(authorizer(acl({ operation: Op.WRITE }), acl({ resourceName: '*', operation: Op.WRITE, permission: Permission.DENY })).authorizeAny(alice, Op.WRITE, R.TOPIC), false)
  assert.equal(authorizer(acl({ operation: Op.READ })).authorizeAny(alice, Op.WRITE, R.TOPIC), false)
})

test('bindings are kept once, removed by value, and selected by filters with MATCH and ANY', () => {
  const a = authorizer(acl({}), acl({}), acl({ resourceName: 'ord', patternType: P.PREFIXED, operation: Op.WRITE }))
  assert.equal(a.all.length, 2)
  const any = { resourceType: R.ANY, resourceName: null, patternType: P.ANY, principal: null, host: null, operation: Op.ANY, permission: Permission.ANY }
  assert.equal(a.matching(any).length, 2)
  assert.equal(a.matching({ ...any, resourceName: 'orders', patternType: P.MATCH }).length, 2)
  assert.equal(a.matching({ ...any, resourceName: 'orders', patternType: P.LITERAL }).length, 1)
  assert.equal(filterMatches({ ...any, operation: Op.WRITE }, acl({})), false)
  assert.equal(a.remove([acl({})]).length, 1)
  assert.equal(a.authorize(alice, Op.READ, R.TOPIC, 'orders'), false)
})

test('config bindings read their words and refuse what Kafka refuses, naming the entry', () => {
  const b = bindingFromConfig({ principal: 'User:bob', resourceType: 'topic', resourceName: 'logs.', patternType: 'prefixed', operation: 'describe-configs', permission: 'deny', host: '10.1.1.1' }, 'acls[0]')
  assert.deepEqual(b, { resourceType: R.TOPIC, resourceName: 'logs.', patternType: P.PREFIXED, principal: 'User:bob', host: '10.1.1.1', operation: Op.DESCRIBE_CONFIGS, permission: Permission.DENY })
  assert.equal(bindingFromConfig({ principal: 'User:*', resourceType: 'cluster', operation: 'idempotent-write' }, 'x').resourceName, 'kafka-cluster')
  assert.throws(() => bindingFromConfig({ principal: 'alice', resourceType: 'topic', resourceName: 't', operation: 'read' }, 'acls[1]'), /acls\[1\].*User:<name>/)
  assert.throws(() => bindingFromConfig({ principal: 'User:a', resourceType: 'group', resourceName: 'g', operation: 'write' }, 'acls[2]'), /acls\[2\].*does not apply/)
  assert.throws(() => bindingFromConfig({ principal: 'User:a', resourceType: 'topic', resourceName: 't', operation: 'read', color: 'red' }, 'acls[3]'), /unknown key "color"/)
})

test('the client address is the host part of host:port, IPv4-mapped addresses as IPv4', () => {
  assert.equal(clientAddress('127.0.0.1:5000'), '127.0.0.1')
  assert.equal(clientAddress('::ffff:10.0.0.1:5000'), '10.0.0.1')
  assert.equal(clientAddress('::1:5000'), '::1')
})
