// DescribeLogDirs against a real broker process: @platformatic/kafka's Admin.describeLogDirs
// (v4, flexible) and a raw v0 request (our codec over a socket, the non-flexible encoding);
// sizes are checked against the segment files on disk.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { readdir, stat, statfs } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import '../helpers/node20-compat.js'
import { Admin, Producer, ProduceAcks, stringSerializers } from '@platformatic/kafka'
import { BrokerProcess } from '../helpers/broker-process.js'
import { parseApiVersionsV0, RawKafkaConnection, requestFrame } from '../helpers/raw-kafka.js'
import { decodeBuffer, encodeToBuffer } from '../../src/protocol/codec.js'
import { describeLogDirsApi } from '../../src/protocol/messages/describe-log-dirs.js'

let broker: BrokerProcess
let admin: Admin
let producer: Producer<string, string, string, string>

before(async () => {
  broker = await BrokerProcess.start()
  admin = new Admin({ clientId: 'interop-log-dirs-admin', bootstrapBrokers: [broker.bootstrap], retries: 2 })
  producer = new Producer({ clientId: 'interop-log-dirs-producer', bootstrapBrokers: [broker.bootstrap], serializers: stringSerializers, retries: 2 })
})

after(async () => {
  await producer?.close()
  await admin?.close()
  await broker?.cleanup()
})

async function segmentFileBytes (topic: string, partition: number): Promise<number> {
  const dir = join(broker.dataDir, `${topic}-${partition}`)
  let bytes = 0
  for (const name of await readdir(dir)) if (name.endsWith('.log')) bytes += (await stat(join(dir, name))).size
  return bytes
}

test('Admin.describeLogDirs answers the data directory with each partition\'s size on disk and the disk\'s size', () => broker.explain(async () => {
  const topic = 'sized'
  await admin.createTopics({ topics: [topic], partitions: 2, replicas: 1 })
  await producer.send({ acks: ProduceAcks.ALL, messages: Array.from({ length: 5 }, (_, i) => ({ topic, partition: 0, value: `value ${i}` })) })

  const described = await admin.describeLogDirs({ topics: [{ name: topic, partitions: [0, 1] }] })
  assert.equal(described.length, 1, 'one broker')
  const [dir] = described[0]!.results
  assert.ok(dir)
  assert.equal(dir.logDir, resolve(broker.dataDir))
  const sizes = dir.topics.flatMap(t => t.partitions.map(p => [t.name, p.partitionIndex, p.partitionSize, p.offsetLag, p.isFutureKey]))
  sizes.sort((a, b) => Number(a[1]) - Number(b[1]))
  const onDisk = await segmentFileBytes(topic, 0)
  assert.ok(onDisk > 0)
  assert.deepEqual(sizes, [[topic, 0, BigInt(onDisk), 0n, false], [topic, 1, 0n, 0n, false]])
  const fsStats = await statfs(broker.dataDir)
  assert.equal(dir.totalBytes, BigInt(fsStats.bsize * fsStats.blocks))
  assert.ok(dir.usableBytes > 0n && dir.usableBytes <= dir.totalBytes)
}))

test('ApiVersions advertises DescribeLogDirs 0-4, and a raw v0 request for every topic is answered', () => broker.explain(async () => {
  const raw = await RawKafkaConnection.open(broker.host, broker.kafkaPort)
  try {
    raw.write(requestFrame(18, 0, 1, Buffer.alloc(0)))
    const entry = parseApiVersionsV0(await raw.nextFrame()).apis.find(a => a.apiKey === 35)
    assert.deepEqual(entry, { apiKey: 35, minVersion: 0, maxVersion: 4 })

    raw.write(requestFrame(35, 0, 2, encodeToBuffer(describeLogDirsApi.request, 0, { topics: null })))
    const frame = await raw.nextFrame()
    assert.equal(frame.readInt32BE(0), 2, 'correlation id')
    const { body, consumed } = decodeBuffer(describeLogDirsApi.response, 0, frame.subarray(4))
    assert.equal(consumed, frame.length - 4)
    const [dir] = body.results
    assert.ok(dir)
    assert.equal(dir.errorCode, 0)
    const sized = dir.topics.find(t => t.name === 'sized')
    assert.ok(sized, 'the topic the first test created')
    const partition0 = sized.partitions.find(p => p.partitionIndex === 0)
    assert.equal(partition0?.partitionSize, BigInt(await segmentFileBytes('sized', 0)))
  } finally {
    raw.destroy()
  }
}))
