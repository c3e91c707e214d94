// A kafkajs group member in its own process, so a test can SIGKILL it: the broker then sees no
// LeaveGroup and no more heartbeats, only a connection that ends. The child reports what it does
// as JSON lines on stdout; spawnMember() turns them into the same Delivery / join records the
// in-process members give, so a test can judge the whole group at once.
//
// Child usage: node --import tsx kafkajs-member-process.ts <bootstrap> <groupId> <topic> <sessionTimeoutMs>
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Kafka, logLevel } from 'kafkajs'
import type { Deliveries, Watch } from './group-consumers.js'

type ChildLine =
  | { type: 'join', memberId: string, assignment: Record<string, number[]> }
  | { type: 'message', topic: string, partition: number, offset: number, key: string | null, value: string }
  | { type: 'commit', topics: Array<{ topic: string, partitions: Array<{ partition: number, offset: string }> }> }

export interface MemberProcess {
  readonly child: ChildProcess
  assignment: Record<string, number[]> | null
  joins: number
  /** Offsets the broker acknowledged as committed by this member, "topic/partition" -> next offset. */
  readonly committed: Map<string, number>
  /** SIGKILL: no LeaveGroup, no flush; resolves once the process is gone. */
  kill: () => Promise<void>
  stderr: () => string
}

export function spawnMember (name: string, args: { bootstrap: string, groupId: string, topic: string, sessionTimeoutMs: number },
  deliveries: Deliveries, watch: Watch): MemberProcess {
  const script = fileURLToPath(import.meta.url)
  const child = spawn(process.execPath, ['--import', 'tsx', script, args.bootstrap, args.groupId, args.topic, String(args.sessionTimeoutMs)],
    { stdio: ['ignore', 'pipe', 'pipe'] })
  let pending = ''
  let stderr = ''
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()))
  process.once('exit', () => child.kill('SIGKILL'))
  const member: MemberProcess = {
    child,
    assignment: null,
    joins: 0,
    committed: new Map(),
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await exited
    },
    stderr: () => stderr
  }
  child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8') })
  child.stdout?.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8')
    let newline = pending.indexOf('\n')
    while (newline >= 0) {
      const line = JSON.parse(pending.slice(0, newline)) as ChildLine
      pending = pending.slice(newline + 1)
      newline = pending.indexOf('\n')
      if (line.type === 'join') {
        member.assignment = line.assignment
        member.joins++
        watch.changed()
      } else if (line.type === 'message') {
        deliveries.add({ member: name, topic: line.topic, partition: line.partition, offset: line.offset, key: line.key, value: line.value })
      } else {
        for (const t of line.topics) for (const p of t.partitions) member.committed.set(`${t.topic}/${p.partition}`, Number(p.offset))
        watch.changed()
      }
    }
  })
  return member
}

async function runChild (bootstrap: string, groupId: string, topic: string, sessionTimeoutMs: number): Promise<void> {
  const say = (line: ChildLine): void => { process.stdout.write(JSON.stringify(line) + '\n') }
  const kafka = new Kafka({ clientId: 'killable-member', brokers: [bootstrap], logLevel: logLevel.NOTHING })
  const consumer = kafka.consumer({ groupId, sessionTimeout: sessionTimeoutMs, heartbeatInterval: 500, maxWaitTimeInMs: 200 })
  consumer.on(consumer.events.GROUP_JOIN, e => say({ type: 'join', memberId: e.payload.memberId, assignment: e.payload.memberAssignment }))
  consumer.on(consumer.events.COMMIT_OFFSETS, e => say({ type: 'commit', topics: e.payload.topics }))
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      say({ type: 'message', topic, partition, offset: Number(message.offset), key: message.key?.toString() ?? null, value: message.value?.toString() ?? '' })
    }
  })
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [bootstrap, groupId, topic, sessionTimeout] = process.argv.slice(2)
  runChild(bootstrap!, groupId!, topic!, Number(sessionTimeout)).catch(error => {
    process.stderr.write(String(error?.stack ?? error) + '\n')
    process.exit(1)
  })
}
