// kcat 1.7.1 / librdkafka 2.0.2 from Debian against a real broker process.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { Kafka, logLevel, type Admin } from 'kafkajs'
import { BrokerProcess } from '../helpers/broker-process.js'
import { consumeAll, kcat } from '../helpers/kcat.js'
import { fetchBatches } from '../helpers/platformatic-fetch.js'

function lines (count: number, make: (i: number) => string): string {
  return Array.from({ length: count }, (_, i) => make(i)).join('\n') + '\n'
}

describe('kcat against Tributary', () => {
  let broker: BrokerProcess
  let admin: Admin

  before(async () => {
    broker = await BrokerProcess.start()
    admin = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).admin()
    await admin.connect()
    await admin.createTopics({
      topics: ['keyed', 'compressed', 'clock', 'meta'].map(topic => ({ topic, numPartitions: topic === 'meta' ? 4 : 1 }))
    })
  })

  after(async () => {
    await admin?.disconnect()
    await broker?.cleanup()
  })

  test('kcat -P -K: produces keyed messages that -C -o beginning -e reads back in order', () => broker.explain(async () => {
    await kcat(['-b', broker.bootstrap, '-P', '-t', 'keyed', '-p', '0', '-K:', '-X', 'acks=all'], { stdin: lines(12, i => `key-${i}:value ${i}`) })
    const consumed = await consumeAll(broker.bootstrap, 'keyed')
    assert.deepEqual(consumed.map(m => [m.offset, m.key, m.payload]), Array.from({ length: 12 }, (_, i) => [i, `key-${i}`, `value ${i}`]))
  }))

  test('kcat -o 5 starts at offset 5 and -o -3 at three before the end', () => broker.explain(async () => {
    const fromFive = await consumeAll(broker.bootstrap, 'keyed', { partition: 0, offset: '5' })
    assert.deepEqual(fromFive.map(m => m.offset), [5, 6, 7, 8, 9, 10, 11])
    assert.equal(fromFive[0]?.key, 'key-5')
    const lastThree = await consumeAll(broker.bootstrap, 'keyed', { partition: 0, offset: '-3' })
    assert.deepEqual(lastThree.map(m => m.payload), ['value 9', 'value 10', 'value 11'])
  }))

  test('kcat -o s@<ms> starts at the first message stamped at or after that time', () => broker.explain(async () => {
    await kcat(['-b', broker.bootstrap, '-P', '-t', 'clock', '-p', '0', '-X', 'acks=all'], { stdin: lines(4, i => `early-${i}`) })
    const early = await consumeAll(broker.bootstrap, 'clock')
    const lastEarly = Math.max(...early.map(m => m.ts))
    // The second run's messages must carry later timestamps than the first run's.
    while (Date.now() <= lastEarly + 1) await new Promise(resolve => setImmediate(resolve))
    await kcat(['-b', broker.bootstrap, '-P', '-t', 'clock', '-p', '0', '-X', 'acks=all'], { stdin: lines(3, i => `late-${i}`) })
    const consumed = await consumeAll(broker.bootstrap, 'clock', { partition: 0, offset: `s@${lastEarly + 1}` })
    assert.deepEqual(consumed.map(m => [m.offset, m.payload]), [[4, 'late-0'], [5, 'late-1'], [6, 'late-2']])
    const fromStart = await consumeAll(broker.bootstrap, 'clock', { partition: 0, offset: `s@${early[0]!.ts}` })
    assert.equal(fromStart.length, 7, 'the first timestamp itself starts at offset 0')
  }))

  test('kcat -z gzip batches are read back byte for byte', () => broker.explain(async () => {
    // Varied lengths (up to 20 KB) and every printable ASCII character, so the batches really compress.
    const payloads = Array.from({ length: 200 }, (_, i) => {
      let s = ''
      for (let j = 0; j < (i * 97) % 20_000 + 1; j++) s += String.fromCharCode(32 + ((i * 31 + j * 7) % 95))
      return s
    })
    await kcat(['-b', broker.bootstrap, '-P', '-t', 'compressed', '-p', '0', '-z', 'gzip', '-X', 'acks=all', '-X', 'linger.ms=50'],
      { stdin: payloads.join('\n') + '\n' })
    const consumed = await consumeAll(broker.bootstrap, 'compressed')
    assert.equal(consumed.length, payloads.length)
    for (let i = 0; i < payloads.length; i++) {
      assert.equal(consumed[i]!.offset, i)
      assert.ok(consumed[i]!.payload === payloads[i], `payload ${i} (${payloads[i]!.length} bytes) differs`)
    }
    // Served as produced: the batches still carry gzip (codec 1 in the low attribute bits), not re-encoded.
    const batches = await fetchBatches(broker.bootstrap, 'compressed', 0, 0n)
    assert.ok(batches.length > 0)
    for (const batch of batches) assert.equal(batch.attributes & 0x07, 1, `batch at ${batch.firstOffset} has attributes ${batch.attributes}`)
  }))

  test('kcat -L lists the broker at its advertised address and every topic with its partitions', () => broker.explain(async () => {
    const metadata = JSON.parse((await kcat(['-b', broker.bootstrap, '-L', '-J'])).toString('utf8')) as {
      brokers: Array<{ id: number, name: string }>
      topics: Array<{ topic: string, error?: string, partitions: Array<{ partition: number, leader: number }> }>
    }
    assert.equal(metadata.brokers.length, 1)
    assert.equal(metadata.brokers[0]!.name, broker.bootstrap)
    const meta = metadata.topics.find(t => t.topic === 'meta')
    assert.ok(meta, `topics listed: ${metadata.topics.map(t => t.topic).join(',')}`)
    assert.equal(meta.error, undefined)
    assert.deepEqual(meta.partitions.map(p => p.partition).sort(), [0, 1, 2, 3])
    for (const p of meta.partitions) assert.equal(p.leader, metadata.brokers[0]!.id)
  }))
})
