// An archive's SizeBytes on a cluster comes from the brokers (DescribeLogDirs),
// read in the background: a bus worker over an in-process Tributary broker.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { defaultConfig } from '../../../src/config.js'
import { Tributary } from '../../../src/tributary.js'
import { BusWorker } from '../../../src/bus/cluster/worker.js'
import { busCall } from '../../helpers/bus-worker-process.js'
import { waitFor } from '../../helpers/wait.js'

let dataDir: string
let app: Tributary
let worker: BusWorker
let url: string

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'trib-bus-archive-size-'))
  app = new Tributary({ ...defaultConfig, topicDefaults: {}, dataDir, kafkaPort: 0, httpPort: 0, groupInitialRebalanceDelayMs: 0 }, pino({ level: 'silent' }))
  await app.start()
  const bootstrap = `127.0.0.1:${[...app.components.broker.ports.values()][0]!}`
  worker = new BusWorker({ bootstrap, httpPort: 0, busPartitions: 1, archiveSizeRefreshMs: 100, logger: pino({ level: 'silent' }) })
  url = `http://127.0.0.1:${await worker.start()}`
})

after(async () => {
  await worker?.close()
  await app?.stop()
  await rm(dataDir, { recursive: true, force: true })
})

test('an archive on a cluster reports the bytes the brokers hold for it as SizeBytes', async () => {
  const busArn = String((await busCall(url, 'DescribeEventBus', {})).Arn)
  await busCall(url, 'CreateArchive', { ArchiveName: 'sized', EventSourceArn: busArn })
  assert.equal((await busCall(url, 'DescribeArchive', { ArchiveName: 'sized' })).SizeBytes, 0, 'empty at first')
  const detail = JSON.stringify({ padding: 'x'.repeat(2000) })
  await busCall(url, 'PutEvents', { Entries: Array.from({ length: 5 }, () => ({ Source: 'sized', DetailType: 'T', Detail: detail })) })
  const archive = await waitFor(async () => {
    const described = await busCall(url, 'DescribeArchive', { ArchiveName: 'sized' })
    return Number(described.EventCount) === 5 && Number(described.SizeBytes) > 0 ? described : undefined
  }, 'the archive holds the five events and reports their size')
  // Five events of over 2,000 bytes each: the log holds at least their details.
  assert.ok(Number(archive.SizeBytes) >= 5 * 2000, `SizeBytes ${String(archive.SizeBytes)}`)
})
