// The event bus keeps time with the embedded broker's clock: a scheduled rule
// fires when the test advances the clock to its time (not before), and a failed
// delivery is retried when the clock passes its backoff, so neither test waits
// for real minutes or seconds.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { createServer } from 'node:http'
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge'
import { startTributary } from '../../src/index.js'
import { waitFor } from '../helpers/wait.js'
import { at } from '../helpers/at.js'

const START = Date.UTC(2030, 0, 1)

/** A local HTTP target that answers each request with the next status of `statuses` (the last one repeats). */
async function startTarget (statuses: number[]): Promise<{ url: string, bodies: string[], close: () => Promise<void> }> {
  const bodies: string[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', c => chunks.push(c))
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks).toString('utf8'))
      res.writeHead(statuses[Math.min(bodies.length, statuses.length) - 1]!, { 'content-type': 'application/json' }).end('{}')
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  return {
    url: `http://127.0.0.1:${port}/hook`,
    bodies,
    close: async () => { server.closeAllConnections(); server.close(); await once(server, 'close') },
  }
}

describe('the event bus on the embedded clock', () => {
  test('a rate(5 minutes) rule delivers nothing until the clock reaches five minutes, then one Scheduled Event stamped with clock time', async () => {
    await using t = await startTributary({
      clock: { frozen: true, start: START },
      bus: {
        rules: [{ Name: 'every-five', ScheduleExpression: 'rate(5 minutes)' }],
        targets: [{ Rule: 'every-five', Targets: [{ Id: 'ticks', Arn: 'arn:aws:sqs:us-east-1:000000000000:ticks' }] }],
      },
    })

    await t.clock.advance(5 * 60_000 - 1000) // 4 min 59 s
    assert.deepEqual(await t.records('bus.default'), [], 'no scheduled event before the rule is due')

    await t.clock.advance('1s')
    const [delivered] = await waitFor(async () => {
      const ticks = await t.records('ticks').catch(() => [])
      return ticks.length > 0 ? ticks : undefined
    }, 'the scheduled event reaching the ticks topic')
    const event = JSON.parse(delivered!.value!.toString()) as Record<string, unknown>
    assert.equal(event['detail-type'], 'Scheduled Event')
    assert.equal(event.source, 'aws.events')
    assert.equal(event.time, '2030-01-01T00:05:00Z')
    assert.equal((await t.records('bus.default')).length, 1, 'exactly one firing')
    assert.equal((await t.records('ticks')).length, 1)
  })

  test('a target that answers 500 is retried only once the clock passes the backoff, and the event is delivered then', async () => {
    const target = await startTarget([500, 200])
    try {
      await using t = await startTributary({
        clock: { frozen: true, start: START },
        bus: {
          rules: [{ Name: 'orders', EventPattern: { source: ['shop'] } }],
          targets: [{ Rule: 'orders', Targets: [{ Id: 'hook', Arn: target.url }] }],
        },
      })
      const bus = t.components.bus
      const eventBridge = new EventBridgeClient({ endpoint: t.busEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } })
      const put = await eventBridge.send(new PutEventsCommand({ Entries: [{ Source: 'shop', DetailType: 'OrderPlaced', Detail: '{"id":"o-1"}' }] }))
      eventBridge.destroy()
      assert.equal(put.FailedEntryCount, 0)

      await waitFor(() => bus.dispatcher('default')!.pendingRetries === 1, 'the failed first attempt to be queued for a retry')
      assert.equal(target.bodies.length, 1)

      // The first retry waits between half and all of the 1 s base delay: not yet.
      await t.clock.advance('400ms')
      assert.equal(target.bodies.length, 1, 'no retry before the backoff has passed on the clock')

      await t.clock.advance('1s')
      assert.equal(target.bodies.length, 2, 'retried once the clock passed the backoff')
      assert.equal(bus.dispatcher('default')!.pendingRetries, 0)
      assert.equal(bus.stats.delivered, 1)
      assert.equal(bus.stats.failedAttempts, 1)
      const event = JSON.parse(target.bodies[1]!) as Record<string, unknown>
      assert.equal(event.id, at(put.Entries ?? [], 0)!.EventId)
      assert.equal(event.time, '2030-01-01T00:00:00Z', 'PutEvents stamps the event with clock time')
    } finally {
      await target.close()
    }
  })
})
