// @platformatic/kafka's Admin.describeLogDirs (DescribeLogDirs v4, the highest both sides speak)
// against a real broker process; sizes are checked against the segment files on disk.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { readdir, stat, statfs } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import '../helpers/node20-compat.js'
import { Admin, Producer, ProduceAcks, stringSerializers } from '@platformatic/kafka'
import { BrokerProcess } from '../helpers/broker-process.js'

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
