// `tributary start` as a user runs it: a real process, real signals, real files.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { BrokerProcess, projectRoot } from '../helpers/broker-process.js'

test('start serves /health, and SIGTERM exits 0 leaving a clean-shutdown marker that the next start consumes', async () => {
  const broker = await BrokerProcess.start()
  try {
    const health = await fetch(`${broker.httpUrl}/health`)
    assert.equal(health.status, 200)
    assert.equal((await health.json() as { status: string }).status, 'ok')
    assert.equal(await broker.stop(), 0)
    assert.ok(existsSync(join(broker.dataDir, '.clean-shutdown')), 'clean-shutdown marker written')
    await broker.restart()
    assert.ok(!existsSync(join(broker.dataDir, '.clean-shutdown')), 'marker removed once the log is open again')
    assert.equal((await fetch(`${broker.httpUrl}/health`)).status, 200)
  } finally {
    await broker.cleanup()
  }
})

test('a bad flag value exits with code 2 and a message naming the option', () => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(projectRoot, 'src/cli/main.ts'), 'start', '--kafka-port', 'nope'], { encoding: 'utf8', cwd: projectRoot })
  assert.equal(result.status, 2)
  assert.match(result.stderr, /kafkaPort/)
})

test('an unknown command exits with code 2', () => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(projectRoot, 'src/cli/main.ts'), 'frobnicate'], { encoding: 'utf8', cwd: projectRoot })
  assert.equal(result.status, 2)
})

test('a config file whose listener certificate does not load exits with code 2 naming the listener and file', async () => {
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs')
  const { tmpdir } = await import('node:os')
  const dir = mkdtempSync(join(tmpdir(), 'trib-badcert-'))
  try {
    writeFileSync(join(dir, 'cert.pem'), 'not a certificate')
    writeFileSync(join(dir, 'key.pem'), 'not a key')
    const config = join(dir, 'tributary.json')
    writeFileSync(config, JSON.stringify({
      dataDir: join(dir, 'data'),
      httpPort: 0,
      listeners: [{ name: 'SECURE', host: '127.0.0.1', port: 0, protocol: 'SASL_SSL', tls: { certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem') } }]
    }))
    const result = spawnSync(process.execPath, ['--import', 'tsx', join(projectRoot, 'src/cli/main.ts'), 'start', '--config', config], { encoding: 'utf8', cwd: projectRoot })
    assert.equal(result.status, 2, result.stderr)
    assert.match(result.stderr, /listener SECURE.*cert\.pem/)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
