// Consumer groups from the other clients against a real broker process: kcat's balanced consumer
// (librdkafka 2.0.2), kafka-python 2.0.2 (Debian's python3-kafka, old protocol versions) and
// @platformatic/kafka (flexible versions only). Offsets each one commits are checked with kafkajs admin.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import '../helpers/node20-compat.js'
import { Consumer as PlatformaticConsumer, MessagesStreamModes, MessagesStreamFallbackModes, stringDeserializers } from '@platformatic/kafka'
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs'
import { BrokerProcess, projectRoot } from '../helpers/broker-process.js'
import { Watch } from '../helpers/group-consumers.js'
import { kcat, type KcatMessage } from '../helpers/kcat.js'
import { PATIENCE_MS } from '../helpers/wait.js'

const partitions = 4

interface PythonGroupResult {
  assignment: number[]
  records: Array<{ partition: number, offset: number, value: string }>
  committed: Record<string, number | null>
}

async function runPythonMember (bootstrap: string, topic: string, group: string, count: number): Promise<PythonGroupResult> {
  // Debian's interpreter: the python3 first on PATH does not see Debian's python3-kafka.
  const child = spawn('/usr/bin/python3', [join(projectRoot, 'test', 'interop', 'kafka-python-group-client.py'), bootstrap, topic, group, String(count)],
    { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8') })
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8') })
  const timer = setTimeout(() => child.kill('SIGKILL'), PATIENCE_MS)
  const code = await new Promise<number | null>(resolve => child.once('close', resolve))
  clearTimeout(timer)
  if (code !== 0) throw new Error(`TRIB_ERR_TEST_PYTHON: kafka-python group member exited ${code}\n${stderr}`)
  return JSON.parse(stdout) as PythonGroupResult
}

/** A long-running `kcat -G` member: its JSON messages and its newest assignment, read as they come. */
class KcatMember {
  readonly messages: KcatMessage[] = []
  assignment: number[] = []
  private stderr = ''
  private readonly child: ChildProcess
  private readonly exited: Promise<number | null>

  constructor (bootstrap: string, group: string, topic: string, watch: Watch) {
    this.child = spawn('kcat', ['-b', bootstrap, '-G', group, topic, '-J', '-u', '-X', 'auto.offset.reset=earliest', '-X', 'session.timeout.ms=10000'],
      { stdio: ['ignore', 'pipe', 'pipe'] })
    this.exited = new Promise(resolve => this.child.once('close', resolve))
    process.once('exit', () => this.child.kill('SIGKILL'))
    let pending = ''
    this.child.stdout!.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8')
      const lines = pending.split('\n')
      pending = lines.pop()!
      for (const line of lines) if (line.length > 0) this.messages.push(JSON.parse(line) as KcatMessage)
      watch.changed()
    })
    this.child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString('utf8')
      // "% Group g rebalanced (memberid ...): assigned: topic [0], topic [2]" (and "revoked: ..." before it)
      const assigned = [...this.stderr.matchAll(/rebalanced \(memberid [^)]*\): assigned: ([^\n]*)/g)].at(-1)
      if (assigned !== undefined) this.assignment = [...assigned[1]!.matchAll(/\[(\d+)\]/g)].map(m => Number(m[1])).sort((a, b) => a - b)
      watch.changed()
    })
  }

  output (): string { return this.stderr }

  /** SIGTERM: kcat closes its consumer (final commit, LeaveGroup) and exits. */
  async stop (): Promise<number | null> {
    this.child.kill('SIGTERM')
    const timer = setTimeout(() => this.child.kill('SIGKILL'), PATIENCE_MS)
    const code = await this.exited
    clearTimeout(timer)
    return code
  }
}

describe('consumer groups from kcat, kafka-python and @platformatic/kafka', { timeout: 90_000 }, () => {
  let broker: BrokerProcess
  let admin: Admin
  let producer: Producer

  before(async () => {
    broker = await BrokerProcess.start({ env: { TRIBUTARY_GROUP_INITIAL_REBALANCE_DELAY_MS: '100' } })
    const kafka = new Kafka({ clientId: 'clients-test', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING })
    admin = kafka.admin()
    await admin.connect()
    producer = kafka.producer()
    await producer.connect()
  })

  after(async () => {
    await producer?.disconnect()
    await admin?.disconnect()
    await broker?.cleanup()
  })

  /** `count` records per partition ("<prefix>-<partition>-<i>"), sent in one batch. */
  async function fill (topic: string, prefix: string, perPartition: number): Promise<string[]> {
    const messages = Array.from({ length: partitions * perPartition }, (_, i) => ({ partition: i % partitions, value: `${prefix}-${i % partitions}-${Math.floor(i / partitions)}` }))
    await producer.send({ topic, acks: -1, messages })
    return messages.map(m => m.value)
  }

  async function committed (groupId: string, topic: string): Promise<string[]> {
    const [answer] = await admin.fetchOffsets({ groupId, topics: [topic] })
    return [...answer!.partitions].sort((a, b) => a.partition - b.partition).map(p => p.offset)
  }

  test('kcat -G -e reads every partition, commits as it closes, and a second run reads only what came after', () => broker.explain(async () => {
    const topic = 'kcat-balanced'
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }] })
    const first = await fill(topic, 'first', 10)
    const balanced = (): string[] => ['-b', broker.bootstrap, '-G', 'kcat-readers', topic, '-J', '-q', '-e', '-X', 'auto.offset.reset=earliest']
    const parse = (out: Buffer): KcatMessage[] => out.toString('utf8').split('\n').filter(l => l.length > 0).map(l => JSON.parse(l) as KcatMessage)

    const read = parse(await kcat(balanced()))
    assert.deepEqual(read.map(m => m.payload).sort(), [...first].sort())
    assert.deepEqual(await committed('kcat-readers', topic), ['10', '10', '10', '10'])

    const second = await fill(topic, 'second', 2)
    const again = parse(await kcat(balanced()))
    assert.deepEqual(again.map(m => m.payload).sort(), [...second].sort(), 'the second run starts at the committed offsets')
    assert.deepEqual(again.map(m => m.offset).sort(), [10, 10, 10, 10, 11, 11, 11, 11])
    assert.deepEqual(await committed('kcat-readers', topic), ['12', '12', '12', '12'])
  }))

  test('two kcat -G members split four partitions and each reads only its own', () => broker.explain(async () => {
    const topic = 'kcat-shared'
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }] })
    const watch = new Watch()
    const members = [new KcatMember(broker.bootstrap, 'kcat-sharers', topic, watch), new KcatMember(broker.bootstrap, 'kcat-sharers', topic, watch)]
    try {
      const split = (): boolean => {
        const all = members.flatMap(m => m.assignment)
        return members.every(m => m.assignment.length > 0) && all.length === partitions && new Set(all).size === partitions
      }
      await watch.until(split, 'two kcat members splitting four partitions', () => members.map(m => m.output()).join('\n---\n'))
      const values = await fill(topic, 'shared', 10)
      await watch.until(() => members.reduce((n, m) => n + m.messages.length, 0) >= values.length, 'the two members reading 40 messages',
        () => `(read ${members.map(m => m.messages.length).join(' + ')})\n${members.map(m => m.output()).join('\n---\n')}`)
      assert.deepEqual(members.flatMap(m => m.messages.map(x => x.payload)).sort(), [...values].sort(), 'every message read once')
      for (const m of members) assert.ok(m.messages.every(x => m.assignment.includes(x.partition)), `a member read a partition outside ${m.assignment.join(',')}`)
    } finally {
      for (const m of members) await m.stop()
    }
    assert.deepEqual(await committed('kcat-sharers', topic), ['10', '10', '10', '10'], 'closing committed what each member read')
  }))

  test('kafka-python KafkaConsumer(group_id=...) reads, commits, and a second member of the group resumes there', () => broker.explain(async () => {
    const topic = 'python-grouped'
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }] })
    const first = await fill(topic, 'py', 5)
    const run = await runPythonMember(broker.bootstrap, topic, 'python-readers', first.length)
    assert.deepEqual(run.assignment, [0, 1, 2, 3])
    assert.deepEqual(run.records.map(r => r.value).sort(), [...first].sort())
    assert.deepEqual(run.committed, { 0: 5, 1: 5, 2: 5, 3: 5 })
    assert.deepEqual(await committed('python-readers', topic), ['5', '5', '5', '5'])

    const second = await fill(topic, 'py-later', 1)
    const next = await runPythonMember(broker.bootstrap, topic, 'python-readers', second.length)
    assert.deepEqual(next.records.map(r => [r.partition, r.offset, r.value]).sort(), second.map((v, i) => [i, 5, v]).sort())
    assert.deepEqual(await committed('python-readers', topic), ['6', '6', '6', '6'])
  }))

  test('@platformatic/kafka Consumer joins a group over flexible versions, commits, and a new consumer resumes from the commits', () => broker.explain(async () => {
    const topic = 'platformatic-grouped'
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }] })
    const first = await fill(topic, 'pk', 5)
    const options = { clientId: 'interop-platformatic-group', groupId: 'platformatic-readers', bootstrapBrokers: [broker.bootstrap], deserializers: stringDeserializers, retries: 3, sessionTimeout: 10_000, heartbeatInterval: 500, maxWaitTime: 200 }

    const readAndCommit = async (count: number): Promise<{ joined: number[], read: Array<[number, bigint, string]> }> => {
      const consumer = new PlatformaticConsumer(options)
      let joined: number[] = []
      consumer.on('consumer:group:join', payload => { joined = (payload.assignments ?? []).flatMap(a => a.partitions).sort((a, b) => a - b) })
      const read: Array<[number, bigint, string]> = []
      try {
        const stream = await consumer.consume({ topics: [topic], mode: MessagesStreamModes.COMMITTED, fallbackMode: MessagesStreamFallbackModes.EARLIEST, autocommit: false })
        for await (const message of stream) {
          read.push([message.partition, message.offset, message.value])
          await message.commit()
          if (read.length === count) break
        }
        await stream.close()
      } finally {
        await consumer.close()
      }
      return { joined, read }
    }

    const run = await readAndCommit(first.length)
    assert.deepEqual(run.joined, [0, 1, 2, 3])
    assert.deepEqual(run.read.map(r => r[2]).sort(), [...first].sort())
    assert.deepEqual(await committed('platformatic-readers', topic), ['5', '5', '5', '5'])

    const second = await fill(topic, 'pk-later', 1)
    const next = await readAndCommit(second.length)
    assert.deepEqual(next.read.map(r => [r[0], Number(r[1]), r[2]]).sort(), second.map((v, i) => [i, 5, v]).sort())
    assert.deepEqual(await committed('platformatic-readers', topic), ['6', '6', '6', '6'])
  }))
})
