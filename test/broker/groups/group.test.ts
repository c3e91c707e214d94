import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Group } from '../../../src/broker/groups/group.js'
import { Member } from '../../../src/broker/groups/member.js'
import { GroupState } from '../../../src/broker/groups/state.js'

const member = (id: string, protocols: string[], instance: string | null = null): Member =>
  new Member(id, instance, 'c', '/h', 1000, 1000, 'consumer', protocols.map(name => ({ name, metadata: Buffer.from(name) })))

test('a protocol tie goes to the leader preference', () => {
  const g = new Group('g', 0)
  g.add(member('a', ['sticky', 'range']), null)
  g.add(member('b', ['range', 'sticky']), null)
  assert.equal(g.selectProtocol(), 'sticky')
})

test('a member listing a protocol twice still counts once toward support', () => {
  const g = new Group('g', 0)
  g.add(member('a', ['range', 'range']), null)
  g.transitionTo(GroupState.PreparingRebalance, 0)
  assert.equal(g.supportsProtocols('consumer', [{ name: 'range', metadata: Buffer.alloc(0) }]), true)
  g.add(member('b', ['range']), null)
  g.remove('b')
  assert.equal(g.supportsProtocols('consumer', [{ name: 'range', metadata: Buffer.alloc(0) }]), true)
})

test('removing the leader hands leadership to the longest-standing member, and static ids are released', () => {
  const g = new Group('g', 0)
  g.add(member('a', ['range'], 'i-a'), null)
  g.add(member('b', ['range'], 'i-b'), null)
  g.add(member('c', ['range']), null)
  assert.equal(g.leaderId, 'a')
  g.remove('a')
  assert.equal(g.leaderId, 'b')
  assert.equal(g.staticMemberId('i-a'), undefined)
  assert.equal(g.isStaticMemberFenced('i-b', 'other'), true)
  assert.equal(g.isStaticMemberFenced('i-b', 'b'), false)
})

test('illegal transitions throw a stable error code', () => {
  const g = new Group('g', 0)
  assert.throws(() => g.transitionTo(GroupState.Stable, 0), { code: 'TRIB_ERR_GROUP_STATE' })
})
