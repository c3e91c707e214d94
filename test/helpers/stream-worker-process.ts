// An SDK worker in its own process, so a test can SIGKILL it in the middle of
// a handler: the broker sees no commit, no LeaveGroup, no more heartbeats.
// The worker subscribes, prints {"type":"ready"}, and for each event prints
// {"type":"handling","orderId":...} and then never finishes that handler.
//
// Child usage: node --import tsx stream-worker-process.ts <bootstrap> <group> <type> <sessionTimeoutMs>
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { createEventStream } from '../../src/index.js'

interface WorkerLine { type: 'ready' | 'handling', orderId?: string }

export interface StreamWorkerProcess {
  /** Resolves when the worker says `type` (and, for 'handling', the order id). */
  said: (type: WorkerLine['type'], orderId?: string) => Promise<void>
  /** SIGKILL; resolves once the process is gone. */
  kill: () => Promise<void>
  stderr: () => string
}

export function spawnStreamWorker (args: { bootstrap: string, group: string, type: string, sessionTimeoutMs: number }): StreamWorkerProcess {
  const script = fileURLToPath(import.meta.url)
  const child = spawn(process.execPath, ['--import', 'tsx', script, args.bootstrap, args.group, args.type, String(args.sessionTimeoutMs)],
    { stdio: ['ignore', 'pipe', 'pipe'] })
  process.once('exit', () => child.kill('SIGKILL'))
  const exited = once(child, 'exit')
  const lines: WorkerLine[] = []
  const waiters: Array<() => void> = []
  let pending = ''
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8') })
  child.stdout?.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8')
    for (let newline = pending.indexOf('\n'); newline >= 0; newline = pending.indexOf('\n')) {
      lines.push(JSON.parse(pending.slice(0, newline)) as WorkerLine)
      pending = pending.slice(newline + 1)
    }
    for (const wake of waiters.splice(0)) wake()
  })
  const said = async (type: WorkerLine['type'], orderId?: string): Promise<void> => {
    while (!lines.some(l => l.type === type && (orderId === undefined || l.orderId === orderId))) {
      if (child.exitCode !== null) throw new Error(`the worker exited (${child.exitCode}) before saying ${type}: ${stderr}`)
      await new Promise<void>(resolve => { waiters.push(resolve); child.once('exit', () => resolve()) })
    }
  }
  return {
    said,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await exited
    },
    stderr: () => stderr
  }
}

async function main (bootstrap: string, group: string, type: string, sessionTimeoutMs: number): Promise<void> {
  const stream = createEventStream({ brokers: [bootstrap] })
  const say = (line: WorkerLine): void => { process.stdout.write(`${JSON.stringify(line)}\n`) }
  await stream.subscribe(type, { group, sessionTimeoutMs }, async event => {
    say({ type: 'handling', orderId: (event.data as { orderId: string }).orderId })
    // the worker is killed in here: this handler never finishes
    await new Promise(() => {})
  })
  say({ type: 'ready' })
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [bootstrap, group, type, session] = process.argv.slice(2)
  main(bootstrap!, group!, type!, Number(session)).catch(err => { console.error(err); process.exit(1) })
}
