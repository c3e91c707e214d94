// The console's bus actions with bus signing on (bus.credentials): the page
// sends them to the bus API's own POST /, so without a key they are refused
// exactly as an unsigned SDK call is (the page says why), and with the key typed
// into the page they are signed in the browser (web/src/sigv4.js) and served:
// create a rule, put an event and follow it to its target, start a replay.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdir } from 'node:fs/promises'
import { chromium, type Browser, type Page } from 'playwright-core'
import type { Tributary } from '../../src/tributary.js'
import { startInProcess, type InProcessTributary } from '../helpers/in-process-tributary.js'

const SHOTS = 'test-artifacts/console'
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const KEY = { accessKeyId: 'AKIDCONSOLE', secretAccessKey: 'a-console-secret' }

let app: Tributary
let tributary: InProcessTributary | undefined
let browser: Browser
let page: Page
let url: string

before(async () => {
  const built = spawnSync(process.execPath, ['scripts/build-console.mjs'], { encoding: 'utf8' })
  assert.equal(built.status, 0, built.stderr)
  await mkdir(SHOTS, { recursive: true })
  tributary = await startInProcess({ bus: { credentials: [KEY] } }, { prefix: 'trib-console-signed-' })
  app = tributary.app
  url = `http://127.0.0.1:${app.config.httpPort}`
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
})
after(async () => {
  await browser?.close()
  await tributary?.stop()
})

test('with bus signing on, the console signs its bus actions with the key typed in and is refused without it', async () => {
  try {
    await page.goto(`${url}/#/bus`)
    await page.waitForSelector('#bus-key input[name=accessKeyId]')

    // no key: the bus API refuses the unsigned PutRule, and the page says why
    await page.fill('#create-rule input[name=name]', 'signed-rule')
    await page.fill('#create-rule textarea[name=pattern]', '{"source":["shop"]}')
    await page.fill('#create-rule input[name=target]', 'arn:aws:sqs:us-east-1:000000000000:signed')
    await page.click('#create-rule button')
    await page.waitForSelector('#create-rule .error')
    assert.match(await page.textContent('#create-rule .error') ?? '', /MissingAuthenticationTokenException/)
    assert.equal(app.components.bus.catalog.rulesOfBus('default').length, 0, 'nothing was created')

    // a wrong secret is refused too: the signature is checked, not just present
    await page.fill('#bus-key input[name=accessKeyId]', KEY.accessKeyId)
    await page.fill('#bus-key input[name=secretAccessKey]', 'not-the-right-secret')
    await page.click('#bus-key button')
    await page.waitForSelector('#bus-key .signing-as')
    await page.click('#create-rule button')
    await page.waitForFunction(() => /InvalidSignatureException/.test(document.querySelector('#create-rule .error')?.textContent ?? ''))
    assert.equal(app.components.bus.catalog.rulesOfBus('default').length, 0, 'nothing was created')

    // the right key: the rule, its target, an event and its trace, an archive and a replay
    await page.click('#bus-key button')
    await page.fill('#bus-key input[name=accessKeyId]', KEY.accessKeyId)
    await page.fill('#bus-key input[name=secretAccessKey]', KEY.secretAccessKey)
    await page.click('#bus-key button')
    await page.waitForSelector('#bus-key .signing-as')
    await page.click('#create-rule button')
    await page.waitForSelector('tr[data-rule="signed-rule"]')

    const archiveStart = new Date(Date.now() - 60_000).toISOString()
    await page.fill('#create-archive input[name=archiveName]', 'signed-archive')
    await page.click('#create-archive button')
    await page.waitForSelector('#archives td:text("signed-archive")')

    await page.fill('#put-event input[name=source]', 'shop')
    await page.fill('#put-event input[name=detailType]', 'order')
    await page.fill('#put-event textarea[name=detail]', '{"amount": 5}')
    await page.click('#put-event button')
    await page.waitForSelector('#trace li.step.succeeded')
    await page.waitForFunction(() => [...document.querySelectorAll('#archives tr')].some(tr => tr.textContent?.startsWith('signed-archive') === true && tr.children[3]?.textContent === '1'))

    await page.fill('#start-replay input[name=replayName]', 'signed-replay')
    await page.selectOption('#start-replay select[name=replayArchive]', 'signed-archive')
    await page.fill('#start-replay input[name=replayFrom]', archiveStart)
    await page.click('#start-replay button')
    await page.waitForFunction(() => document.querySelector('tr[data-replay="signed-replay"] .replay-state')?.textContent === 'COMPLETED')
    await page.waitForFunction(() => document.querySelector('tr[data-rule="signed-rule"] .delivered')?.textContent === '2')
    await page.screenshot({ path: `${SHOTS}/signed-bus.png`, fullPage: true })
  } catch (err) {
    await page.screenshot({ path: `${SHOTS}/signed-bus-failure.png`, fullPage: true }).catch(() => {})
    throw err
  }
})
