// The console's second journey in headless Chromium: the message browser's
// tools and the changes round 1's journey did not drive. Saved filters (save,
// survive a reload, pick, delete; a malformed one is not saved), follow live
// (a burst produced with kafkajs appears without reload, none dropped), copy a
// message (the clipboard holds it), republish from a dead-letter topic back to
// its topic, a group's offset reset, and a topic delete that asks first.
// Screenshots go to test-artifacts/console/.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdir } from 'node:fs/promises'
import { chromium, type Browser, type Page } from 'playwright-core'
import { Kafka, logLevel, type Producer } from 'kafkajs'
import type { Tributary } from '../../src/tributary.js'
import { startInProcess, type InProcessTributary } from '../helpers/in-process-tributary.js'

const SHOTS = 'test-artifacts/console'
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

let app: Tributary
let tributary: InProcessTributary | undefined
let browser: Browser
let page: Page
let url: string
let kafka: Kafka
let producer: Producer

before(async () => {
  const built = spawnSync(process.execPath, ['scripts/build-console.mjs'], { encoding: 'utf8' })
  assert.equal(built.status, 0, built.stderr)
  await mkdir(SHOTS, { recursive: true })
  tributary = await startInProcess({}, { prefix: 'trib-console-tools-' })
  app = tributary.app
  url = `http://127.0.0.1:${app.config.httpPort}`
  kafka = new Kafka({ brokers: [`127.0.0.1:${app.components.broker.port}`], clientId: 'journey-tools', logLevel: logLevel.NOTHING })
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({ topics: [{ topic: 'live', numPartitions: 2 }, { topic: 'payments', numPartitions: 1 }, { topic: 'payments.dlt', numPartitions: 1 }, { topic: 'scratch', numPartitions: 1 }] })
  await admin.disconnect()
  producer = kafka.producer()
  await producer.connect()
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url })
  page = await context.newPage()
})
after(async () => {
  await producer?.disconnect()
  await browser?.close()
  await tributary?.stop()
})

async function shot (name: string, fullPage = true): Promise<void> {
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage })
}

async function openMessages (): Promise<void> {
  await page.goto(`${url}/#/messages`)
  await page.waitForFunction(() => [...(document.querySelector<HTMLSelectElement>('#browse select[name=topic]')?.options ?? [])].some(o => o.value === 'live'))
}

const offsetsShown = async (): Promise<string[]> => await page.$$eval('#messages-table tr.message', rows => rows.map(r => `${r.children[0]?.textContent ?? ''}/${r.children[1]?.textContent ?? ''}`))

test('the console journey: saved filters, follow live, copy, republish from a dead letter, offset reset, topic delete', async () => {
  try {
    await journey()
  } catch (err) {
    await shot('tools-failure').catch(() => {})
    throw err
  }
})

async function journey (): Promise<void> {
  // Follow live: browse from the end, follow, then a burst of 300 in three sends arrives without reload, every one
  await openMessages()
  await page.selectOption('#browse select[name=topic]', 'live')
  await page.selectOption('#browse select[name=from]', 'end')
  await page.click('#browse button[type=submit]')
  await page.waitForSelector('#page-info')
  await page.check('input[name=follow]')
  for (let burst = 0; burst < 3; burst++) {
    await producer.send({ topic: 'live', messages: Array.from({ length: 100 }, (_, n) => ({ key: `k${n % 7}`, value: JSON.stringify({ source: 'live', n: burst * 100 + n }) })) })
  }
  await page.waitForFunction(() => document.querySelectorAll('#messages-table tr.message').length === 300, undefined, { timeout: 30_000 })
  const followed = await page.$$eval('#messages-table tr.message td.value', cells => cells.map(c => (JSON.parse(c.textContent ?? '{}') as { n: number }).n))
  assert.deepEqual([...followed].sort((a, b) => a - b), Array.from({ length: 300 }, (_, n) => n), 'every record of the burst once')
  assert.equal(new Set(await offsetsShown()).size, 300)
  await shot('tools-1-follow-live', false) // 300 rows: the top of the page is what shows
  await page.uncheck('input[name=follow]')

  // Copy a message: the clipboard holds its partition, offset, key and value
  await page.click('#messages-table tr.message >> nth=0')
  await page.click('button:text("Copy")')
  await page.waitForSelector('.details .ok:text("copied")')
  const copied = JSON.parse(await page.evaluate(async () => await navigator.clipboard.readText())) as { partition: number, offset: number, key: string, value: string }
  const [firstPartition, firstOffset] = (await offsetsShown())[0]!.split('/').map(Number)
  assert.equal(copied.partition, firstPartition)
  assert.equal(copied.offset, firstOffset)
  assert.match(copied.value, /"source":"live"/)

  // Saved filters: a malformed one is refused, a good one is saved, survives a reload, is picked and deleted
  await page.selectOption('#browse select[name=from]', 'offset')
  await page.fill('#browse input[name=value]', 'ten')
  await page.fill('#saved-filters input[name=filterName]', 'broken')
  await page.click('#saved-filters button[name=save]')
  await page.waitForSelector('#saved-filters-note.error')
  assert.match(await page.textContent('#saved-filters-note') ?? '', /not saved: offset must be a whole number/)
  await page.selectOption('#browse select[name=from]', 'beginning')
  await page.fill('#browse input[name=text]', '"n":42}')
  await page.fill('#saved-filters input[name=filterName]', 'live n=42')
  await page.click('#saved-filters button[name=save]')
  await page.waitForSelector('#saved-filters-note.ok')
  await page.reload()
  await page.waitForFunction(() => [...(document.querySelector<HTMLSelectElement>('#saved-filters select[name=saved]')?.options ?? [])].some(o => o.value === 'live n=42'))
  assert.deepEqual(await page.$$eval('#saved-filters select[name=saved] option', os => os.map(o => o.textContent)), ['(pick one)', 'live n=42'], 'the malformed one was never saved')
  await page.selectOption('#saved-filters select[name=saved]', 'live n=42')
  await page.waitForFunction(() => document.querySelectorAll('#messages-table tr.message').length === 1)
  assert.equal(await page.inputValue('#browse input[name=text]'), '"n":42}')
  assert.match(await page.textContent('#messages-table tr.message td.value') ?? '', /"n":42}/)
  await shot('tools-2-saved-filter')
  await page.click('#saved-filters button[name=delete]')
  await page.waitForSelector('#saved-filters-note:text("deleted")')
  await page.reload()
  await page.waitForSelector('#saved-filters select[name=saved]')
  assert.deepEqual(await page.$$eval('#saved-filters select[name=saved] option', os => os.map(o => o.textContent)), ['(none yet)'])

  // Republish from the dead-letter topic back to its topic
  await producer.send({ topic: 'payments.dlt', messages: [{ key: 'p-17', value: JSON.stringify({ payment: 17, error: 'timeout' }), headers: { reason: 'timeout' } }] })
  await openMessages()
  await page.selectOption('#browse select[name=topic]', 'payments.dlt')
  await page.click('#browse button[type=submit]')
  await page.click('#messages-table tr.message')
  await page.fill('.details input[name=toTopic]', 'payments')
  await page.click('.details button:text("Republish")')
  await page.waitForSelector('.details .ok:text("republished to payments/0 at offset 0")')
  await shot('tools-3-republish')
  const consumer = kafka.consumer({ groupId: 'payments-check' })
  const back = await readAll(consumer, 'payments', 1)
  assert.equal(back[0]?.key, 'p-17')
  assert.equal(back[0]?.value, JSON.stringify({ payment: 17, error: 'timeout' }))
  assert.equal(back[0]?.reason, 'timeout', 'headers come along')

  // Offset reset for a group with no members: the group above read payments to its end; back to the start
  await page.goto(`${url}/#/groups/payments-check`)
  await page.waitForFunction(() => document.querySelector('#lag-table td.lag')?.textContent === '0')
  await page.selectOption('#reset-offsets select[name=to]', 'offset')
  await page.fill('#reset-offsets input[name=value]', '-1')
  await page.click('#reset-offsets button')
  await page.waitForSelector('#reset-offsets .error')
  await page.selectOption('#reset-offsets select[name=to]', 'earliest')
  await page.click('#reset-offsets button')
  await page.waitForSelector('#reset-offsets .ok:text("reset: 0→0")')
  await page.waitForFunction(() => document.querySelector('#lag-table td.lag')?.textContent === '1')
  await page.waitForFunction(() => document.querySelector('tr[data-group="payments-check"] td.lag')?.textContent === '1')
  await shot('tools-4-offset-reset')
  const admin = kafka.admin()
  await admin.connect()
  assert.deepEqual((await admin.fetchOffsets({ groupId: 'payments-check', topics: ['payments'] }))[0]?.partitions.map(p => p.offset), ['0'])

  // Delete a topic: dismissing the confirmation keeps it, accepting deletes it
  await page.goto(`${url}/#/topics`)
  await page.click('tr[data-topic="scratch"] button:text("Details")')
  const deletes: string[] = []
  page.on('request', r => { if (r.method() === 'DELETE') deletes.push(r.url()) })
  const asked = new Promise<string>((resolve, reject) => page.once('dialog', dialog => { dialog.dismiss().then(() => resolve(dialog.message()), reject) }))
  await page.click('button:text("Delete topic")')
  assert.match(await asked, /Delete topic scratch and all its messages/)
  assert.deepEqual(deletes, [], 'dismissed: nothing sent')
  assert.ok((await admin.listTopics()).includes('scratch'), 'dismissed: the topic stays')
  page.once('dialog', dialog => { dialog.accept().catch(() => {}) })
  await page.click('button:text("Delete topic")')
  await page.waitForSelector('tr[data-topic="scratch"]', { state: 'detached' })
  assert.ok(!(await admin.listTopics()).includes('scratch'))
  assert.equal(deletes.length, 1)
  await admin.disconnect()
  await shot('tools-5-topic-deleted')
}

/** Reads `count` records of `topic` from the start with a group, commits, and leaves the group. */
async function readAll (consumer: ReturnType<Kafka['consumer']>, topic: string, count: number): Promise<Array<{ key?: string, value?: string, reason?: string }>> {
  const got: Array<{ key?: string, value?: string, reason?: string }> = []
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  await new Promise<void>((resolve, reject) => {
    consumer.run({
      eachMessage: async ({ message }) => {
        got.push({ key: message.key?.toString(), value: message.value?.toString(), reason: message.headers?.reason?.toString() })
        if (got.length === count) resolve()
      }
    }).catch(reject)
  })
  await consumer.disconnect()
  return got
}
