// Failing, slow and endless HTTP targets while PutEvents keeps arriving: the
// bus holds a bounded number of deliveries in flight, a bounded amount of
// events waiting for a retry (past it the dispatcher stops reading the bus
// topic, where the events wait on disk), never buffers a target's answer, and
// delivers every event once the target recovers.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { once } from 'node:events'
import { Readable } from 'node:stream'
import { PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge'
import { eventually, startBus, TargetServer, type BusHarness } from '../harness.js'
import { busTopic } from '../../../src/bus/storage.js'

const KIB = 1024
const MIB = 1024 * KIB

async function routeAllTo (h: BusHarness, url: string): Promise<void> {
  await h.client.send(new PutRuleCommand({ Name: 'all', EventPattern: '{"source":["orders"]}' }))
  await h.client.send(new PutTargetsCommand({ Rule: 'all', Targets: [{ Id: 'hook', Arn: url }] }))
}

/** PutEvents `requests` times, `perRequest` entries of about `detailBytes` each; resolves with how many were accepted. */
async function putMany (h: BusHarness, requests: number, perRequest: number, detailBytes: number, from = 0): Promise<number> {
  let accepted = 0
  for (let r = 0; r < requests; r++) {
    const Entries = Array.from({ length: perRequest }, (_, i) => ({ Source: 'orders', DetailType: 'Order', Detail: JSON.stringify({ n: from + r * perRequest + i, pad: 'x'.repeat(detailBytes) }) }))
    const answer = await h.client.send(new PutEventsCommand({ Entries }))
    accepted += perRequest - (answer.FailedEntryCount ?? 0)
  }
  return accepted
}

test('a target failing every attempt: retries held stay bounded, the dispatcher stops reading, and every event is delivered once it recovers', async (t) => {
  const bound = 256 * KIB
  const h = await startBus({ maxPendingRetryBytes: bound })
  const target = await new TargetServer().start()
  t.after(async () => { await target.close(); await h.close() })
  let failing = true
  const delivered = new Set<number>()
  target.respond = request => {
    if (failing) return 500
    delivered.add((JSON.parse(request.body) as { detail: { n: number } }).detail.n)
    return 200
  }
  await routeAllTo(h, target.url)
  // 200 events of 20 KiB: 4 MiB, sixteen times the bound
  const events = 200
  assert.equal(await putMany(h, 20, 10, 20 * KIB), events)
  const dispatcher = h.bus.dispatcher('default')!
  await eventually(() => dispatcher.heldBack || dispatcher.pendingRetries >= events, 'the dispatcher held back or held every event')
  t.diagnostic(`held back with ${dispatcher.pendingRetries} events (${(dispatcher.pendingRetryBytes / KIB).toFixed(0)} KiB) waiting for a retry, of ${events}`)
  assert.ok(dispatcher.pendingRetries < events, 'the dispatcher held every failed event in memory')
  // over by at most one read of the bus topic (about 1 MiB) past the bound
  assert.ok(dispatcher.pendingRetryBytes <= bound + 1.5 * MIB, `${dispatcher.pendingRetryBytes} bytes held for retries`)
  assert.ok(dispatcher.committedOffset < h.log.partition(busTopic('default'), 0)!.highWatermark, 'unread events wait in the bus topic')
  // PutEvents is still accepted while delivery is held back
  assert.equal(await putMany(h, 1, 10, 20 * KIB, events), 10)
  failing = false
  await eventually(() => delivered.size === events + 10 || undefined, 'every event delivered')
  await eventually(() => dispatcher.pendingRetries === 0 || undefined, 'no retries left')
  assert.equal(dispatcher.pendingRetryBytes, 0)
  assert.equal(dispatcher.heldBack, false)
})

test('a target that never answers has at most deliveryConcurrency deliveries open at once, each ended by the HTTP timeout', async (t) => {
  const concurrency = 4
  let mostInFlight = 0
  let seen = 0
  const running: { harness?: BusHarness } = {}
  const server = createServer((req) => {
    seen++
    // while this request is open its delivery is in flight: sample the bus's own count
    mostInFlight = Math.max(mostInFlight, running.harness?.bus.dispatcher('default')?.deliveriesInFlight ?? 0)
    req.resume() // read the event, never answer
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`
  const bus = running.harness = await startBus({ deliveryConcurrency: concurrency, httpTimeoutMs: 300 })
  t.after(async () => {
    await bus.close()
    server.closeAllConnections()
    server.close()
  })
  await routeAllTo(bus, url)
  assert.equal(await putMany(bus, 5, 10, 1 * KIB), 50)
  // three waves: the first attempts timed out and the next ones started
  await eventually(() => seen >= 3 * concurrency || undefined, 'three waves of attempts')
  t.diagnostic(`${seen} attempts, at most ${mostInFlight} in flight`)
  assert.ok(mostInFlight > 0 && mostInFlight <= concurrency, `${mostInFlight} deliveries were in flight at once`)
  assert.ok(bus.bus.stats.failedAttempts >= concurrency, 'the attempts ended by timing out')
})

test('a target that answers 200 with a huge unsized body is delivered to at once, its body not buffered', async (t) => {
  const offered = 256 * MIB
  let sent = 0
  let answered: Promise<unknown> = Promise.resolve()
  const server = createServer((req, res) => {
    req.resume()
    answered = once(res, 'close')
    res.writeHead(200, { 'content-type': 'application/octet-stream' })
    // as fast as the bus takes it, with no content-length
    new Readable({
      read () {
        if (sent >= offered) { this.push(null); return }
        sent += 64 * KIB
        this.push(Buffer.alloc(64 * KIB, 0x61))
      }
    }).pipe(res)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`
  const h = await startBus({ httpTimeoutMs: 60_000 })
  t.after(async () => {
    await h.close()
    server.closeAllConnections()
    server.close()
  })
  await routeAllTo(h, url)
  assert.equal(await putMany(h, 1, 1, 10), 1)
  await eventually(() => h.bus.stats.delivered + h.bus.stats.failedAttempts > 0 || undefined, 'an outcome')
  assert.deepEqual({ delivered: h.bus.stats.delivered, failedAttempts: h.bus.stats.failedAttempts }, { delivered: 1, failedAttempts: 0 })
  await answered // the bus closed the answer
  t.diagnostic(`the target got ${(sent / MIB).toFixed(1)} MiB of its answer out`)
  assert.ok(sent < 32 * MIB, `the bus read ${(sent / MIB).toFixed(0)} MiB of the answer`)
})
