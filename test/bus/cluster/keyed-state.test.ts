// The bus tier's small compacted state topics (delivery states, scheduled firings)
// read back what was written to them over a real broker, as a new process does at
// start: tombstones forget a key, a later record replaces an earlier one (for
// firings only a later time does), and a record that does not parse is skipped with
// a warning naming its offset instead of stopping the read.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { pino } from 'pino'
import { KafkaLogEngine } from '../../../src/bus/cluster/kafka-log.js'
import { BusStorage } from '../../../src/bus/storage.js'
import { CompactedTopic } from '../../../src/bus/cluster/compacted-topic.js'
import { DeliveryStateTopic } from '../../../src/bus/cluster/delivery-state-topic.js'
import { ScheduledFirings } from '../../../src/bus/cluster/scheduled-firings.js'
import { startInProcess, type InProcessTributary } from '../../helpers/in-process-tributary.js'

let broker: InProcessTributary
let engine: KafkaLogEngine
let storage: BusStorage
const warnings: Array<{ offset?: number, msg: string }> = []
const logger = pino({ level: 'warn' }, { write: (line: string) => { warnings.push(JSON.parse(line) as { offset?: number, msg: string }) } })

before(async () => {
  broker = await startInProcess({ groupInitialRebalanceDelayMs: 0 }, { prefix: 'trib-keyed-state-' })
  engine = new KafkaLogEngine({ bootstrap: broker.bootstrap(), topicPrefix: 'keyed.' })
  storage = new BusStorage(engine)
})

after(async () => {
  engine.close()
  await broker.stop()
})

test('a delivery-state topic read back: latest value per key, tombstones forget, malformed records skipped by offset', async () => {
  const topic = new CompactedTopic(engine, storage, 'states', logger)
  const writer = new DeliveryStateTopic(topic, logger)
  await writer.open()
  await writer.save('bus-a/0', { cursor: 5, retries: [] })
  await topic.write([{ key: 'bus-a/1', value: 'not json' }]) // offset 1
  await writer.save('bus-a/0', { cursor: 9, retries: [] })
  await writer.save('bus-b/0', { cursor: 3, retries: [] })
  await writer.forget('bus-b/0')
  await topic.write([{ key: 'bus-c/0', value: '{"cursor":"seven"}' }]) // offset 5

  warnings.length = 0
  const reader = new DeliveryStateTopic(new CompactedTopic(engine, storage, 'states', logger), logger)
  await reader.open()
  assert.deepEqual(reader.saved('bus-a/0'), { cursor: 9, retries: [] })
  assert.equal(reader.saved('bus-a/1'), undefined)
  assert.equal(reader.saved('bus-b/0'), undefined)
  assert.equal(reader.saved('bus-c/0'), undefined)
  assert.deepEqual(warnings.map(w => w.offset), [1, 5])
  assert.match(warnings[0]!.msg, /offset 1 of keyed\.states/)
})

test('scheduled firings read back: only a later firing time replaces an earlier one, malformed records skipped', async () => {
  const topic = new CompactedTopic(engine, storage, 'firings', logger)
  const writer = new ScheduledFirings(topic, logger)
  await writer.open()
  await writer.record('bus\u0000every-minute', 120_000)
  await writer.record('bus\u0000every-minute', 60_000) // a late writer's older firing must not move time back
  await topic.write([{ key: 'bus\u0000hourly', value: '{"firedAt":"noon"}' }]) // offset 2
  await writer.record('bus\u0000hourly', 3_600_000)
  await topic.write([{ key: 'bus\u0000gone', value: '{"firedAt":1}' }, { key: 'bus\u0000gone', value: null }])

  warnings.length = 0
  const reader = new ScheduledFirings(new CompactedTopic(engine, storage, 'firings', logger), logger)
  await reader.open()
  assert.equal(reader.last('bus\u0000every-minute'), 120_000)
  assert.equal(reader.last('bus\u0000hourly'), 3_600_000)
  assert.equal(reader.last('bus\u0000gone'), undefined)
  assert.deepEqual(warnings.map(w => w.offset), [2])
})
