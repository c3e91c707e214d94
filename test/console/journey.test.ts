// The console's journey in headless Chromium (Debian's, driven by
// playwright-core): overview → create a topic → produce with kafkajs → the
// throughput chart moves → browse from a timestamp → a consumer group's lag
// falls to 0 → create a rule and test a pattern on a browsed event → put an
// event and follow its trace to the target → archive and start a replay.
// Bad input is tried on the way: it shows an inline error and sends nothing.
// Screenshots of each page go to test-artifacts/console/.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdir } from 'node:fs/promises'
import { chromium, type Browser, type Page } from 'playwright-core'
import { Kafka, logLevel } from 'kafkajs'
import { BrokerProcess } from '../helpers/broker-process.js'

const SHOTS = 'test-artifacts/console'
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

let t: BrokerProcess
let browser: Browser
let page: Page
const sent: string[] = []

before(async () => {
  const built = spawnSync(process.execPath, ['scripts/build-console.mjs'], { encoding: 'utf8' })
  assert.equal(built.status, 0, built.stderr)
  await mkdir(SHOTS, { recursive: true })
  // `tributary start` in its own process, as a user runs it (kafkajs groups are tested against one)
  t = await BrokerProcess.start({ env: { TRIBUTARY_GROUP_INITIAL_REBALANCE_DELAY_MS: '100', TRIBUTARY_BUS_RETRY_BASE_MS: '100' } })
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  page.on('request', r => { if (r.url().includes('/api/') || r.method() === 'POST') sent.push(`${r.method()} ${r.url()}`) })
})
after(async () => {
  await browser?.close()
  await t?.stop()
  await t?.cleanup()
})

async function shot (name: string): Promise<void> {
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true })
}

/** Runs `act` and returns the API calls the page made meanwhile. */
async function callsDuring (act: () => Promise<void>): Promise<string[]> {
  const from = sent.length
  await act()
  return sent.slice(from)
}

test('the console journey: topics, throughput, browsing, lag, rules, traces and replay', async () => {
  try {
    await journey()
  } catch (err) {
    await shot('failure').catch(() => {})
    throw err
  }
})

async function journey (): Promise<void> {
  const kafka = new Kafka({ brokers: [t.bootstrap], clientId: 'journey', logLevel: logLevel.NOTHING })

  // Overview
  await page.goto(t.httpUrl)
  await page.waitForSelector('#chart-records canvas')
  const paint = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null)
  console.log(`first contentful paint: ${paint === null ? 'n/a' : Math.round(paint)} ms`)
  await shot('1-overview')

  // Topics: bad input first (inline error, nothing sent), then a real create
  await page.click('#nav-topics')
  await page.fill('#create-topic input[name=name]', 'journey-orders')
  await page.fill('#create-topic input[name=partitions]', 'three')
  const badCreate = await callsDuring(async () => {
    await page.click('#create-topic button')
    await page.waitForSelector('#create-topic .error')
  })
  assert.deepEqual(badCreate.filter(c => c.startsWith('POST')), [], 'a malformed partition count sends nothing')
  await page.fill('#create-topic input[name=partitions]', '3')
  await page.click('#create-topic button')
  await page.waitForSelector('tr[data-topic="journey-orders"]')
  await shot('2-topics')

  // Produce with kafkajs while the overview is open: the chart and the peak move
  await page.click('#nav-overview')
  await page.waitForSelector('#chart-records canvas')
  const producer = kafka.producer()
  await producer.connect()
  const value = (n: number): string => JSON.stringify({ source: 'shop', 'detail-type': 'order', detail: { amount: n } })
  await producer.send({ topic: 'journey-orders', messages: Array.from({ length: 100 }, (_, n) => ({ key: `o${n}`, value: value(n) })) })
  await waitForClock()
  const secondHalfFrom = Date.now()
  await waitForClock()
  await producer.send({ topic: 'journey-orders', messages: Array.from({ length: 100 }, (_, n) => ({ key: `o${100 + n}`, value: value(100 + n) })) })
  await producer.disconnect()
  await page.waitForFunction(() => Number(document.querySelector('#stat-records-peak')?.textContent) > 0)
  await shot('3-overview-throughput')

  // Browse from a timestamp: only the second half; a malformed offset sends nothing
  await page.goto(`${t.httpUrl}/#/messages/journey-orders`)
  await page.waitForFunction(() => [...(document.querySelector<HTMLSelectElement>('#browse select[name=topic]')?.options ?? [])].some(o => o.value === 'journey-orders'))
  await page.selectOption('#browse select[name=topic]', 'journey-orders')
  await page.selectOption('#browse select[name=from]', 'offset')
  await page.fill('#browse input[name=value]', '12abc')
  const badBrowse = await callsDuring(async () => {
    await page.click('#browse button[type=submit]')
    await page.waitForSelector('#browse-error')
  })
  assert.deepEqual(badBrowse.filter(c => c.includes('/messages')), [], 'a malformed offset sends nothing')
  await page.selectOption('#browse select[name=from]', 'timestamp')
  await page.fill('#browse input[name=value]', new Date(secondHalfFrom).toISOString())
  await page.fill('#browse input[name=limit]', '200')
  await page.click('#browse button[type=submit]')
  await page.waitForSelector('#messages-table tbody tr.message')
  const amounts = await page.$$eval('#messages-table tr.message td.value', cells => cells.map(c => JSON.parse(c.textContent ?? '{}').detail.amount as number))
  assert.equal(amounts.length, 100)
  assert.ok(amounts.every(a => a >= 100), 'only records from the timestamp on')
  await page.click('#messages-table tr.message')
  await shot('4-messages-from-timestamp')

  // A consumer group reads everything: its lag falls to 0
  const consumer = kafka.consumer({ groupId: 'journey-readers', sessionTimeout: 6000, rebalanceTimeout: 10000, heartbeatInterval: 500, maxWaitTimeInMs: 200 })
  await consumer.connect()
  await consumer.subscribe({ topic: 'journey-orders', fromBeginning: true })
  let consumed = 0
  await consumer.run({ eachMessage: async () => { consumed++ } })
  await page.goto(`${t.httpUrl}/#/groups/journey-readers`)
  await page.waitForFunction(() => {
    const cells = [...document.querySelectorAll('#lag-table td.lag')]
    return document.querySelector('#group-state')?.textContent === 'Stable' && cells.length === 3 && cells.every(c => c.textContent === '0')
  }, undefined, { timeout: 120_000 })
  assert.equal(consumed, 200)
  await shot('5-group-lag')
  await consumer.disconnect()

  // A rule: a malformed pattern is refused inline, a good one is saved through PutRule/PutTargets
  await page.goto(`${t.httpUrl}/#/bus`)
  await page.fill('#create-rule input[name=name]', 'big-orders')
  await page.fill('#create-rule textarea[name=pattern]', '{"source": ["shop"')
  const badRule = await callsDuring(async () => {
    await page.click('#create-rule button')
    await page.waitForSelector('#create-rule .error')
  })
  assert.deepEqual(badRule.filter(c => c.startsWith('POST')), [], 'a malformed pattern sends nothing')
  await page.fill('#create-rule textarea[name=pattern]', '{"source":["shop"],"detail":{"amount":[{"numeric":[">",150]}]}}')
  await page.fill('#create-rule input[name=target]', 'arn:aws:sqs:us-east-1:000000000000:journey-big')
  await page.click('#create-rule button')
  await page.waitForSelector('tr[data-rule="big-orders"]')

  // Test the pattern on a browsed event (amount 100: the amount field fails)
  await page.goto(`${t.httpUrl}/#/messages/journey-orders`)
  await page.waitForFunction(() => [...(document.querySelector<HTMLSelectElement>('#browse select[name=topic]')?.options ?? [])].some(o => o.value === 'journey-orders'))
  await page.selectOption('#browse select[name=topic]', 'journey-orders')
  await page.selectOption('#browse select[name=from]', 'timestamp')
  await page.fill('#browse input[name=value]', new Date(secondHalfFrom).toISOString())
  await page.fill('#browse input[name=limit]', '1')
  await page.click('#browse button[type=submit]')
  await page.click('#messages-table tr.message')
  await page.click('text=Test a pattern on this event')
  await page.waitForSelector('#pattern-tester textarea[name=event]')
  await page.click('#pattern-tester button')
  await page.waitForSelector('#pattern-result')
  const verdict = await page.textContent('#pattern-result')
  assert.match(verdict ?? '', /big-orders: does not match/)
  assert.match(verdict ?? '', /detail\.amount: .*✗/)
  await shot('6-pattern-tester')

  // Put an event that matches and follow its trace to the target
  await page.fill('#put-event input[name=source]', 'shop')
  await page.fill('#put-event input[name=detailType]', 'order')
  await page.fill('#put-event textarea[name=detail]', '{"amount": 500}')
  await page.click('#put-event button')
  await page.waitForSelector('#trace li.step.succeeded')
  const steps = await page.$$eval('#trace li.step b', bs => bs.map(b => b.textContent))
  assert.deepEqual(steps, ['accepted', 'matched', 'attempt', 'succeeded'])
  await page.waitForFunction(() => document.querySelector('tr[data-rule="big-orders"] .delivered')?.textContent === '1')
  await shot('7-bus-trace')

  // Archive the bus, put an event into it, replay it
  const archiveStart = new Date(Date.now() - 60_000).toISOString()
  await page.fill('#create-archive input[name=archiveName]', 'journey-archive')
  await page.click('#create-archive button')
  await page.waitForSelector('#archives td:text("journey-archive")')
  await page.fill('#put-event textarea[name=detail]', '{"amount": 700}')
  await page.click('#put-event button')
  await page.waitForFunction(() => [...document.querySelectorAll('#archives tr')].some(tr => tr.textContent?.startsWith('journey-archive') === true && tr.children[3]?.textContent === '1'))
  await page.fill('#start-replay input[name=replayName]', 'journey-replay')
  await page.selectOption('#start-replay select[name=replayArchive]', 'journey-archive')
  await page.fill('#start-replay input[name=replayFrom]', archiveStart)
  await page.click('#start-replay button')
  await page.waitForFunction(() => document.querySelector('tr[data-replay="journey-replay"] .replay-state')?.textContent === 'COMPLETED', undefined, { timeout: 120_000 })
  await page.waitForFunction(() => document.querySelector('tr[data-rule="big-orders"] .delivered')?.textContent === '3')
  await shot('8-bus-replay')
}

/** Waits until the wall clock has moved at least 2 ms: record timestamps either side then differ. */
async function waitForClock (): Promise<void> {
  const start = Date.now()
  while (Date.now() - start < 2) await new Promise(resolve => setImmediate(resolve))
}
