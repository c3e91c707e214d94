// The acks=all trace bench/latency.ts reads (TRIBUTARY_PRODUCE_TRACE, src/log/produce-trace.ts): a real broker
// process records each acks=all append's start, written and durable times, and the fsync that made it durable
// started after the write and covers its last offset; the lines are on the file once the broker has stopped.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BrokerProcess } from '../helpers/broker-process.js'
import { KafkaClient, Producer, TopicAdmin } from '../../src/client/index.js'

test('a broker started with TRIBUTARY_PRODUCE_TRACE times each acks=all append and the fsync that covered it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'trib-produce-trace-'))
  const tracePath = join(dir, 'trace.txt')
  const broker = await BrokerProcess.start({ env: { TRIBUTARY_PRODUCE_TRACE: tracePath } })
  try {
    const client = await KafkaClient.connect(broker.bootstrap)
    await new TopicAdmin(client).create('traced', 1)
    const producer = new Producer(client)
    const first = await producer.send('traced', [{ value: 'a', partition: 0 }, { value: 'b', partition: 0 }], { acks: -1 })
    await producer.send('traced', [{ value: 'c', partition: 0 }], { acks: 1 })
    client.close()
    assert.equal(first[0]!.offset, 0)
    await broker.stop()
    const lines = readFileSync(tracePath, 'utf8').trim().split('\n').map(l => l.split(' '))
    const produced = lines.filter(f => f[0] === 'produce')
    assert.equal(produced.length, 1, 'one line for the acks=all append, none for acks=1')
    const [, topic, partition, base, last, start, written, durable] = produced[0]!
    assert.deepEqual([topic, partition, base, last], ['traced', '0', '0', '1'])
    assert.ok(Number(start) <= Number(written) && Number(written) <= Number(durable), 'start, written and durable in order')
    const covering = lines.find(f => f[0] === 'fsync' && Number(f[3]) > 1 && Number(f[1]) >= Number(written) && Number(f[2]) <= Number(durable))
    assert.ok(covering !== undefined, `an fsync between written and durable covers offset 1: ${JSON.stringify(lines)}`)
  } finally {
    await broker.cleanup()
    rmSync(dir, { recursive: true, force: true })
  }
})
