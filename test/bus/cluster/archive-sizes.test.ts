// An archive's SizeBytes on a cluster comes from the brokers (DescribeLogDirs),
// read in the background: a bus worker over an in-process Tributary broker.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { pino } from 'pino'
import { startInProcess, type InProcessTributary } from '../../helpers/in-process-tributary.js'
import { BusWorker } from '../../../src/bus/cluster/worker.js'
import { busCall } from '../../helpers/bus-worker-process.js'
import { waitFor } from '../../helpers/wait.js'

let broker: InProcessTributary | undefined
let worker: BusWorker
let url: string

before(async () => {
  broker = await startInProcess({ groupInitialRebalanceDelayMs: 0 }, { prefix: 'trib-bus-archive-size-' })
  const bootstrap = broker.bootstrap()
  worker = new BusWorker({ bootstrap, httpPort: 0, busPartitions: 1, archiveSizeRefreshMs: 100, logger: pino({ level: 'silent' }) })
  url = `http://127.0.0.1:${await worker.start()}`
})

after(async () => {
  await worker?.close()
  await broker?.stop()
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
