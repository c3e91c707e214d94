// The console behind HTTP Basic (http.auth "basic") in a real Chromium: the
// page is refused without a login; alice logs in with her SASL password and
// sees only the topics the ACLs let her describe, and a create the ACLs refuse
// shows the broker's reason in the page; the super user creates the topic.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { chromium, type Browser } from 'playwright-core'
import type { Tributary } from '../../src/tributary.js'
import { startInProcess, type InProcessTributary } from '../helpers/in-process-tributary.js'
import { authConfig } from '../helpers/http-auth.js'

const SHOTS = 'test-artifacts/console'
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

let app: Tributary
let tributary: InProcessTributary | undefined
let browser: Browser
let url: string

before(async () => {
  const built = spawnSync(process.execPath, ['scripts/build-console.mjs'], { encoding: 'utf8' })
  assert.equal(built.status, 0, built.stderr)
  await mkdir(SHOTS, { recursive: true })
  tributary = await startInProcess(authConfig(''), { prefix: 'trib-console-login-' })
  app = tributary.app
  url = `http://127.0.0.1:${app.config.httpPort}`
  const admin = 'Basic ' + Buffer.from('admin:admin-password').toString('base64')
  for (const name of ['orders', 'payments']) {
    const res = await fetch(`${url}/api/console/topics`, { method: 'POST', headers: { authorization: admin, 'content-type': 'application/json' }, body: JSON.stringify({ name, partitions: 1 }) })
    assert.equal(res.status, 201)
  }
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })
})
after(async () => {
  await browser?.close()
  await tributary?.stop()
})

test('a user logs in to the console and may do there what the ACLs let them do', async () => {
  // no login: the browser gets the challenge, not the page
  const anonymous = await browser.newContext()
  await assert.rejects((await anonymous.newPage()).goto(url), /ERR_INVALID_AUTH_CREDENTIALS/)
  assert.equal((await anonymous.request.get(url)).status(), 401)
  await anonymous.close()

  const alice = await browser.newContext({ httpCredentials: { username: 'alice', password: 'alice-password' }, viewport: { width: 1280, height: 900 } })
  const page = await alice.newPage()
  try {
    const loaded = await page.goto(url)
    assert.equal(loaded?.status(), 200)
    await page.click('#nav-topics')
    await page.waitForSelector('tr[data-topic="orders"]')
    assert.equal(await page.locator('tr[data-topic="payments"]').count(), 0, 'alice may not describe payments, so it is not listed')

    await page.fill('#create-topic input[name=name]', 'alice-new')
    await page.click('#create-topic button')
    await page.waitForSelector('#create-topic .error')
    assert.match(await page.textContent('#create-topic .error') ?? '', /User:alice may not create topic alice-new/)
    await page.screenshot({ path: join(SHOTS, 'login-refused.png') })
  } finally {
    await alice.close()
  }
  assert.equal(app.components.log.topics().some(t => t.name === 'alice-new'), false, 'nothing was created')

  const admin = await browser.newContext({ httpCredentials: { username: 'admin', password: 'admin-password' }, viewport: { width: 1280, height: 900 } })
  const adminPage = await admin.newPage()
  try {
    await adminPage.goto(url)
    await adminPage.click('#nav-topics')
    await adminPage.waitForSelector('tr[data-topic="payments"]')
    await adminPage.fill('#create-topic input[name=name]', 'admin-new')
    await adminPage.click('#create-topic button')
    await adminPage.waitForSelector('tr[data-topic="admin-new"]')
  } finally {
    await admin.close()
  }
})
