// One kafkajs consumer-group member in its own process, so a test can kill it
// with SIGKILL (no LeaveGroup, no final commit). Prints "ready" once it has an
// assignment and "msg <key>" for each message it processed.
// Usage: node --import tsx kafkajs-group-member.ts <bootstrap> <groupId> <topic>
import { Kafka, logLevel } from 'kafkajs'

const [bootstrap, groupId, topic] = process.argv.slice(2)
if (bootstrap === undefined || groupId === undefined || topic === undefined) throw new Error('usage: kafkajs-group-member.ts <bootstrap> <groupId> <topic>')
const kafka = new Kafka({ clientId: 'killable-member', brokers: [bootstrap], logLevel: logLevel.NOTHING })
const consumer = kafka.consumer({ groupId, sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 200 })
consumer.on(consumer.events.GROUP_JOIN, () => { process.stdout.write('ready\n') })
await consumer.connect()
await consumer.subscribe({ topic, fromBeginning: true })
await consumer.run({
  eachMessage: async ({ message }) => { process.stdout.write(`msg ${message.key?.toString() ?? ''}\n`) }
})
