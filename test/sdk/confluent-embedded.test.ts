// librdkafka (confluent-kafka through /usr/bin/python3) against the embedded
// broker: produce, a consumer group with synchronous commits, and retries
// caused by injected faults that librdkafka survives.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { startTributary } from '../../src/index.js'

const script = fileURLToPath(new URL('./confluent-client.py', import.meta.url))

async function python<T> (...args: string[]): Promise<T> {
  const { stdout } = await promisify(execFile)('/usr/bin/python3', [script, ...args], { timeout: 60_000 })
  return JSON.parse(stdout) as T
}

const values = (n: number): string[] => Array.from({ length: n }, (_, i) => `value-${i}`)

describe('librdkafka (confluent-kafka) against the embedded broker', () => {
  test('what the producer sends, a consumer group reads, and its commits show in t.groups()', async () => {
    await using t = await startTributary({ topics: [{ name: 'orders', partitions: 2 }] })
    const produced = await python<{ delivered: number, errors: string[] }>(t.brokers[0]!, 'produce', 'orders', '8')
    assert.deepEqual(produced, { delivered: 8, errors: [] })
    const consumed = await python<{ values: string[] }>(t.brokers[0]!, 'consume', 'orders', 'billing', '8')
    assert.deepEqual(consumed.values.sort(), values(8).sort())
    const offsets = t.groups().find(g => g.groupId === 'billing')?.offsets.orders ?? {}
    assert.equal((offsets[0] ?? 0) + (offsets[1] ?? 0), 8)
  })

  test('a produce answered NOT_LEADER_OR_FOLLOWER is retried after a metadata refresh and lands once', async () => {
    await using t = await startTributary({ topics: [{ name: 'payments' }] })
    const fault = t.faults.add({ api: 'Produce', topic: 'payments', partition: 0, error: 'NOT_LEADER_OR_FOLLOWER', count: 2 })
    const produced = await python<{ delivered: number, errors: string[] }>(t.brokers[0]!, 'produce', 'payments', '3')
    assert.deepEqual(produced, { delivered: 3, errors: [] })
    assert.equal(fault.fired, 2)
    // without idempotence librdkafka may reorder a retried batch behind later ones: once each is the claim
    assert.deepEqual((await t.records('payments')).map(r => r.value?.toString()).sort(), values(3))
  })

  test('an offset commit answered COORDINATOR_NOT_AVAILABLE is retried and the commit lands', async () => {
    await using t = await startTributary({ topics: [{ name: 'events' }] })
    await python(t.brokers[0]!, 'produce', 'events', '1')
    const fault = t.faults.add({ api: 'OffsetCommit', topic: 'events', error: 'COORDINATOR_NOT_AVAILABLE', count: 1 })
    const consumed = await python<{ values: string[] }>(t.brokers[0]!, 'consume', 'events', 'auditors', '1')
    assert.deepEqual(consumed.values, ['value-0'])
    assert.equal(fault.fired, 1)
    assert.deepEqual(t.groups().find(g => g.groupId === 'auditors')?.offsets.events, { 0: 1 })
  })
})
