// kafka-python 2.0.2 (Debian python3-kafka; it picks old protocol versions) against a real broker process.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { BrokerProcess, projectRoot } from '../helpers/broker-process.js'
import { PATIENCE_MS } from '../helpers/wait.js'

interface PythonResult {
  topics: string[]
  acked: Array<[number, number]>
  records: Array<{ partition: number, offset: number, key: string, value: string, headers: Array<[string, string]>, timestamp: number }>
  end: Record<string, number>
  byTime: Record<string, number | null>
  baseMs: number
}

async function runPython (args: string[]): Promise<PythonResult> {
  // Debian's interpreter: the python3 first on PATH does not see Debian's python3-kafka.
  const child = spawn('/usr/bin/python3', [join(projectRoot, 'test', 'interop', 'kafka-python-client.py'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8') })
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8') })
  const timer = setTimeout(() => child.kill('SIGKILL'), PATIENCE_MS)
  const code = await new Promise<number | null>(resolve => child.once('close', resolve))
  clearTimeout(timer)
  if (code !== 0) throw new Error(`TRIB_ERR_TEST_PYTHON: kafka-python script exited ${code}\n${stderr}`)
  return JSON.parse(stdout) as PythonResult
}

describe('kafka-python against Tributary', () => {
  let broker: BrokerProcess
  before(async () => { broker = await BrokerProcess.start() })
  after(async () => { await broker?.cleanup() })

  test('create_topics, KafkaProducer send + flush, and KafkaConsumer assign + seek_to_beginning read everything back', () => broker.explain(async () => {
    const count = 40
    const result = await runPython([broker.bootstrap, 'python-orders', String(count)])
    assert.ok(result.topics.includes('python-orders'))

    // Acks: partition i % 2, offsets 0..19 in each partition, in send order.
    assert.deepEqual(result.acked, Array.from({ length: count }, (_, i) => [i % 2, Math.floor(i / 2)]))

    const sorted = [...result.records].sort((a, b) => a.partition - b.partition || a.offset - b.offset)
    const expected = [0, 1].flatMap(partition => Array.from({ length: count / 2 }, (_, k) => {
      const i = partition + 2 * k
      return { partition, offset: k, key: `key-${i}`, value: `value-${i}`, headers: [['index', String(i)]], timestamp: result.baseMs + i * 10 }
    }))
    assert.deepEqual(sorted, expected)
    assert.deepEqual(result.end, { 0: count / 2, 1: count / 2 })
    // Record i is stamped baseMs + 10i; the first at or after baseMs + 45 is i = 6 (offset 3) in partition 0, i = 5 (offset 2) in partition 1.
    assert.deepEqual(result.byTime, { 0: 3, 1: 2 })
  }))
})
