// The composition root: a start that fails half-way closes what it opened, so
// the data directory is left as a clean shutdown leaves it and the next start
// on it works.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { defaultConfig } from '../src/config.js'
import { Tributary } from '../src/tributary.js'
import { startInProcess } from './helpers/in-process-tributary.js'

test('a start that fails on a taken Kafka port closes the log cleanly, and the next start on that data dir serves', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'tributary-root-'))
  const taken = createServer()
  taken.listen(0, '127.0.0.1')
  await once(taken, 'listening')
  const takenPort = (taken.address() as { port: number }).port
  try {
    const config = { ...defaultConfig, topicDefaults: {}, dataDir, host: '127.0.0.1', kafkaPort: takenPort, httpPort: 0 }
    const first = new Tributary({ ...config }, pino({ level: 'silent' }))
    await assert.rejects(first.start(), /EADDRINUSE/)
    assert.ok(existsSync(join(dataDir, '.clean-shutdown')), 'the log was closed, writing its clean-shutdown marker')
    assert.throws(() => first.components, { code: 'TRIB_ERR_NOT_STARTED' })

    const second = new Tributary({ ...config, kafkaPort: 0 }, pino({ level: 'silent' }))
    await second.start()
    try {
      assert.equal(second.components.log.wasCleanShutdown, true)
      const health = await fetch(`http://127.0.0.1:${second.config.httpPort}/health`)
      assert.equal(health.status, 200)
    } finally {
      await second.stop()
    }
    assert.ok(existsSync(join(dataDir, '.clean-shutdown')))
  } finally {
    taken.close()
    await rm(dataDir, { recursive: true, force: true })
  }
})

test('busMaxPutEventsBytes from the config bounds a PutEvents request on the running bus', async () => {
  const tributary = await startInProcess({ busMaxPutEventsBytes: 1000 }, { prefix: 'tributary-root-' })
  try {
    const putEvents = async (detailBytes: number): Promise<Response> => await fetch(`${tributary.httpUrl}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents' },
      body: JSON.stringify({ Entries: [{ Source: 's', DetailType: 'd', Detail: JSON.stringify({ pad: 'x'.repeat(detailBytes) }) }] })
    })
    const over = await putEvents(1000)
    assert.equal(over.status, 400)
    assert.deepEqual(await over.json(), { __type: 'ValidationException', message: 'Total size of the entries in the request is over the limit.' })
    assert.equal((await putEvents(100)).status, 200)
  } finally {
    await tributary.stop()
  }
})
