// PutEvents to an event bus that does not exist: AWS answers an EventId and
// FailedEntryCount 0 and drops the event. Tributary does the same, and logs it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { PutEventsCommand } from '@aws-sdk/client-eventbridge'
import { captureLog, startBus } from '../harness.js'

test('an event for a bus that does not exist gets an EventId, is not stored, and is logged as dropped naming the bus', async (t) => {
  const log = captureLog()
  const h = await startBus({ logger: log.logger })
  t.after(() => h.close())
  const answer = await h.client.send(new PutEventsCommand({
    Entries: [
      { Source: 's', DetailType: 'd', Detail: '{"n":1}', EventBusName: 'missing' },
      { Source: 's', DetailType: 'd', Detail: '{"n":2}' },
      { DetailType: 'd', Detail: '{}', EventBusName: 'missing' },
    ],
  }))
  assert.equal(answer.FailedEntryCount, 1, 'only the entry without a Source fails')
  const [dropped, stored, invalid] = answer.Entries!
  assert.match(dropped!.EventId!, /^[0-9a-f-]{36}$/)
  assert.equal(dropped!.ErrorCode, undefined)
  assert.equal(invalid!.ErrorCode, 'InvalidArgument')
  assert.deepEqual((await h.readTopic('bus.default')).map(r => r.key?.toString()), [stored!.EventId])
  assert.equal(h.log.topic('bus.missing'), undefined)
  const warning = log.lines.find(l => l.level === 40 && l.bus === 'missing')
  assert.ok(warning, 'a warning names the bus')
  assert.equal(warning.eventId, dropped!.EventId)
})
