// librdkafka through python3-confluent-kafka (Debian) with enable.idempotence and
// transactions against a real broker process: the client script
// (exactly-once-confluent-client.py) prints what its readers saw.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { join } from 'node:path'
import { BrokerProcess, projectRoot } from '../helpers/broker-process.js'

const run = promisify(execFile)

interface ClientReport { idempotent: string[], committed: string[], uncommitted: string[], ctp: string[], ctpCommitted: number }

describe('librdkafka (confluent_kafka) exactly-once against Tributary', () => {
  let broker: BrokerProcess
  let report: ClientReport

  before(async () => {
    broker = await BrokerProcess.start()
    const { stdout } = await broker.explain(() => run('/usr/bin/python3', [join(projectRoot, 'test', 'interop', 'exactly-once-confluent-client.py'), broker.bootstrap, 'eo'], { timeout: 80_000 }))
    report = JSON.parse(stdout) as ClientReport
  })

  after(async () => { await broker?.cleanup() })

  test('an idempotent producer writes every message exactly once', () => {
    assert.equal(report.idempotent.length, 200)
    assert.equal(new Set(report.idempotent).size, 200)
  })

  test('read_committed sees committed transactions only, read_uncommitted sees the aborted one too', () => {
    const expected = [...Array.from({ length: 10 }, (_, i) => `committed-${i}`), ...Array.from({ length: 5 }, (_, i) => `later-${i}`)]
    assert.deepEqual(report.committed, expected)
    assert.equal(report.uncommitted.length, 25)
    assert.equal(report.uncommitted.filter(v => v.startsWith('aborted-')).length, 10)
  })

  test('consume-transform-produce with send_offsets_to_transaction outputs every input once and commits the offsets', () => {
    assert.deepEqual([...report.ctp].sort(), [...report.idempotent].map(v => v.toUpperCase()).sort())
    assert.equal(report.ctpCommitted, 200)
  })
})
