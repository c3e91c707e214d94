// kill -9 of the whole broker between PutEvents and delivery loses nothing:
// every event accepted reaches its targets after the restart (at-least-once).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { once } from 'node:events'
import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge'
import { BrokerProcess, freePort } from '../helpers/broker-process.js'
import { consumeAll } from '../helpers/kcat.js'
import { PATIENCE_MS, waitFor } from '../helpers/wait.js'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'

function client (broker: BrokerProcess): EventBridgeClient {
  return new EventBridgeClient({ region: 'us-east-1', endpoint: broker.httpUrl, credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 })
}

async function putMany (eb: EventBridgeClient, calls: number): Promise<string[]> {
  const ids: string[] = []
  for (let c = 0; c < calls; c++) {
    const answer = await eb.send(new PutEventsCommand({ Entries: Array.from({ length: 10 }, (_, i) => ({ Source: 'orders', DetailType: 'Order Created', Detail: JSON.stringify({ n: c * 10 + i }) })) }))
    assert.equal(answer.FailedEntryCount, 0)
    ids.push(...answer.Entries!.map(e => e.EventId!))
  }
  return ids
}

test('events accepted before a SIGKILL reach an HTTP target that was down, after the restart', async (t) => {
  const targetPort = await freePort()
  const broker = await BrokerProcess.start({ env: { TRIBUTARY_BUS_RETRY_BASE_MS: '100', TRIBUTARY_BUS_RETRY_MAX_MS: '400' } })
  const received = new Set<string>()
  let allArrived!: () => void
  const arrived = new Promise<void>(resolve => { allArrived = resolve })
  let expected = Infinity
  const target = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', c => chunks.push(c))
    req.on('end', () => {
      res.end()
      received.add(JSON.parse(Buffer.concat(chunks).toString()).id)
      if (received.size >= expected) allArrived()
    })
  })
  t.after(async () => { target.close(); await broker.cleanup() })
  await broker.explain(async () => {
    let eb = client(broker)
    await eb.send(new PutRuleCommand({ Name: 'orders', EventPattern: '{"source":["orders"]}' }))
    await eb.send(new PutTargetsCommand({ Rule: 'orders', Targets: [{ Id: 'hook', Arn: `http://127.0.0.1:${targetPort}/hook` }] }))
    const ids = await putMany(eb, 5)
    eb.destroy()
    await broker.kill()
    target.listen(targetPort, '127.0.0.1')
    await once(target, 'listening')
    expected = ids.length
    await broker.restart()
    eb = client(broker)
    const timer = setTimeout(allArrived, PATIENCE_MS)
    await arrived
    clearTimeout(timer)
    eb.destroy()
    assert.deepEqual([...ids].filter(id => !received.has(id)), [])
  })
})

test('events accepted before a SIGKILL all land in the rule\'s topic target after the restart', async (t) => {
  const broker = await BrokerProcess.start()
  t.after(() => broker.cleanup())
  await broker.explain(async () => {
    let eb = client(broker)
    await eb.send(new PutRuleCommand({ Name: 'orders', EventPattern: '{"source":["orders"]}' }))
    await eb.send(new PutTargetsCommand({ Rule: 'orders', Targets: [{ Id: 'q', Arn: 'arn:aws:sqs:us-east-1:000000000000:orders-queue' }] }))
    const ids = await putMany(eb, 20)
    eb.destroy()
    await broker.kill()
    await broker.restart()
    eb = client(broker)
    let missing = ids
    await waitFor(async () => {
      const messages = await consumeAll(broker.bootstrap, 'orders-queue').catch(() => [])
      const seen = new Set(messages.map(m => JSON.parse(m.payload ?? '{}').id))
      missing = ids.filter(id => !seen.has(id))
      return missing.length === 0
    }, 'every accepted event in the target topic', () => `(missing ${missing.join(', ')})`).catch(() => {})
    eb.destroy()
    assert.deepEqual(missing, [])
  })
})
