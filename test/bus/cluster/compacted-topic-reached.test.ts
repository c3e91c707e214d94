// A bus state topic's reader can wait until it has handed on every record
// written before a given moment (CompactedTopic.reached, used by
// DefinitionsTopic.caughtUp): a new holder of a bus's partition 0 waits so
// before resuming a replay, so it resumes from the last progress its previous
// holder recorded. Here a record written by "another process" is not yet read
// (the follower has not started), the wait holds, and it resolves only once the
// follower has handed that record on.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { startInProcess, type InProcessTributary } from '../../helpers/in-process-tributary.js'
import { KafkaLogEngine } from '../../../src/bus/cluster/kafka-log.js'
import { CompactedTopic } from '../../../src/bus/cluster/compacted-topic.js'
import { BusStorage } from '../../../src/bus/storage.js'

let broker: InProcessTributary | undefined
let bootstrap: string

before(async () => {
  broker = await startInProcess({}, { prefix: 'trib-bus-reached-' })
  bootstrap = broker.bootstrap()
})

after(async () => {
  await broker?.stop()
})

test('waiting for a state topic\'s end resolves only after the records written before it were handed on', async (t) => {
  const engine = new KafkaLogEngine({ bootstrap, topicPrefix: 'reached.' })
  t.after(() => engine.close())
  await engine.open()
  const storage = new BusStorage(engine)
  const reader = new CompactedTopic(engine, storage, 'state')
  await reader.ensure()
  await reader.write([{ key: 'replay', value: 'cursor 10' }])
  const seen: string[] = []
  await reader.catchUp(record => { seen.push(record.value!.toString()) })
  assert.deepEqual(seen, ['cursor 10'])

  // Another process records newer progress; this reader has not read it yet.
  const writer = new CompactedTopic(engine, storage, 'state')
  await writer.write([{ key: 'replay', value: 'cursor 20' }])
  let resolved = false
  const caughtUp = reader.reached(await reader.endOffset()).then(() => { resolved = true })
  await reader.endOffset() // a round trip to the broker: the wait is still on
  assert.equal(resolved, false, 'no reader has handed the newer record on yet')

  const abort = new AbortController()
  const following = reader.follow(record => { seen.push(record.value!.toString()) }, abort.signal)
  await caughtUp
  assert.deepEqual(seen, ['cursor 10', 'cursor 20'], 'the newer progress was handed on before the wait ended')
  abort.abort()
  await following
})
