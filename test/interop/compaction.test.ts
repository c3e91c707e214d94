// A compacted topic against a real broker: kcat produces keyed messages in
// several codecs over many small segments, the broker's cleaner (on a short
// interval) compacts them, and a read from the beginning gives the latest value
// of every key at the offset it was written at, also after a restart.
// Also message.timestamp.type=LogAppendTime as clients see it.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { Kafka, logLevel, type Admin } from 'kafkajs'
import { BrokerProcess } from '../helpers/broker-process.js'
import { consumeAll, kcat } from '../helpers/kcat.js'
import type { KcatMessage } from '../helpers/kcat.js'
import { waitFor } from '../helpers/wait.js'

const KEYS = 30
const ROUNDS = 10
const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd']

interface Produced { offset: number, key: string, payload: string | null }

describe('log compaction through kcat', () => {
  let broker: BrokerProcess
  let admin: Admin

  before(async () => {
    broker = await BrokerProcess.start({ env: { TRIBUTARY_LOG_CLEANER_INTERVAL_MS: '100' } })
    admin = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).admin()
    await admin.connect()
    await admin.createTopics({
      topics: [
        {
          topic: 'compacted',
          numPartitions: 1,
          configEntries: [
            { name: 'cleanup.policy', value: 'compact' },
            { name: 'segment.bytes', value: '2500' },
            { name: 'segment.ms', value: '60000' },
            { name: 'min.cleanable.dirty.ratio', value: '0.01' },
          ],
        },
        { topic: 'appendtime', numPartitions: 1, configEntries: [{ name: 'message.timestamp.type', value: 'LogAppendTime' }] },
      ],
    })
  })

  after(async () => {
    await admin?.disconnect()
    await broker?.cleanup()
  })

  test('after compaction a read from the beginning gives the latest value per key at its original offset', () => broker.explain(async () => {
    const produced: Produced[] = []
    for (let r = 0; r < ROUNDS; r++) {
      const codec = CODECS[r % CODECS.length]!
      const lines: string[] = []
      for (let k = 0; k < KEYS; k++) {
        const payload = `round-${r}-key-${k}-` + 'v'.repeat(40)
        lines.push(`key-${k}:${payload}`)
        produced.push({ offset: produced.length, key: `key-${k}`, payload })
      }
      await kcat(['-b', broker.bootstrap, '-P', '-t', 'compacted', '-p', '0', '-K:', '-z', codec, '-X', 'acks=all'], { stdin: lines.join('\n') + '\n' })
    }
    // a tombstone for key-0 (-Z: an empty value is sent as null)
    await kcat(['-b', broker.bootstrap, '-P', '-t', 'compacted', '-p', '0', '-K:', '-Z', '-X', 'acks=all'], { stdin: 'key-0:\n' })
    produced.push({ offset: produced.length, key: 'key-0', payload: null })
    // large uncompressed fillers roll segments, so every round above sits in a closed (cleanable) segment
    for (let f = 0; f < 3; f++) {
      const payload = `filler-${f}-` + 'f'.repeat(2300)
      await kcat(['-b', broker.bootstrap, '-P', '-t', 'compacted', '-p', '0', '-K:', '-X', 'acks=all'], { stdin: `filler-${f}:${payload}\n` })
      produced.push({ offset: produced.length, key: `filler-${f}`, payload })
    }

    const latest = new Map<string, Produced>()
    for (const p of produced) latest.set(p.key, p)
    const check = (consumed: KcatMessage[]): void => {
      const offsets = consumed.map(m => m.offset)
      assert.deepEqual(offsets, [...offsets].sort((a, b) => a - b), 'offsets in order')
      for (const m of consumed) {
        const p = produced[m.offset]!
        assert.deepEqual([m.key, m.payload], [p.key, p.payload], `offset ${m.offset} holds what was written there`)
      }
      for (const p of latest.values()) {
        assert.ok(consumed.some(m => m.offset === p.offset), `latest ${p.key} (offset ${p.offset}) is there`)
      }
    }

    // the cleaner runs on its own timer; wait until it has compacted the closed segments
    const superseded = (consumed: KcatMessage[]): number => consumed.filter(m => latest.get(m.key!)!.offset !== m.offset).length
    let consumed = await consumeAll(broker.bootstrap, 'compacted')
    await waitFor(async () => {
      if (superseded(consumed) === 0) return true
      consumed = await consumeAll(broker.bootstrap, 'compacted')
      return superseded(consumed) === 0
    }, 'the cleaner compacting the closed segments').catch(() => {})
    assert.equal(superseded(consumed), 0, `superseded records remain among ${consumed.length}`)
    assert.equal(consumed.length, latest.size, 'exactly one record per key')
    check(consumed)
    assert.equal(consumed.find(m => m.offset === latest.get('key-0')!.offset)?.payload, null, 'the tombstone is kept for delete.retention.ms')

    // SIGKILL, then the same data dir: what the cleaner swapped in is what recovery serves
    await broker.kill()
    await broker.restart()
    check(await consumeAll(broker.bootstrap, 'compacted'))
  }))

  test('message.timestamp.type=LogAppendTime stamps records with the broker time', () => broker.explain(async () => {
    const startedAt = Date.now()
    await kcat(['-b', broker.bootstrap, '-P', '-t', 'appendtime', '-p', '0', '-X', 'acks=all'], { stdin: 'one\ntwo\n' })
    const consumed = await consumeAll(broker.bootstrap, 'appendtime')
    assert.equal(consumed.length, 2)
    for (const m of consumed) {
      assert.match(m.tstype, /logappend/i)
      assert.ok(m.ts >= startedAt - 1000 && m.ts <= Date.now() + 1000, `timestamp ${m.ts}`)
    }
  }))
})
