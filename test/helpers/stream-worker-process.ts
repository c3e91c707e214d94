// An SDK worker in its own process, so a test can kill it in the middle of a
// handler. The worker subscribes, prints {"type":"ready"}, and for each event
// prints {"type":"handling","orderId":...}. Mode 'hang': the handler never
// finishes (for SIGKILL: the broker sees no commit, no LeaveGroup). Mode
// 'drain': the stream closes on SIGTERM, and the handler finishes only once
// SIGTERM has arrived, printing {"type":"handled"}, so the drain is observable.
//
// Child usage: node --import tsx stream-worker-process.ts <bootstrap> <group> <type> <sessionTimeoutMs> <hang|drain>
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { createEventStream } from '../../src/index.js'

interface WorkerLine { type: 'ready' | 'handling' | 'handled', orderId?: string }

export interface StreamWorkerProcess {
  /** Resolves when the worker says `type` (and, for 'handling', the order id). */
  said: (type: WorkerLine['type'], orderId?: string) => Promise<void>
  /** Sends `signal` (default SIGKILL); resolves with how the process ended. */
  kill: (signal?: NodeJS.Signals) => Promise<{ code: number | null, signal: NodeJS.Signals | null }>
  stderr: () => string
}

export function spawnStreamWorker (args: { bootstrap: string, group: string, type: string, sessionTimeoutMs: number, mode: 'hang' | 'drain' }): StreamWorkerProcess {
  const script = fileURLToPath(import.meta.url)
  const child = spawn(process.execPath, ['--import', 'tsx', script, args.bootstrap, args.group, args.type, String(args.sessionTimeoutMs), args.mode],
    { stdio: ['ignore', 'pipe', 'pipe'] })
  process.once('exit', () => child.kill('SIGKILL'))
  // 'close', not 'exit': by then everything the worker printed has been read
  const exited = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>
  let closed = false
  child.once('close', () => { closed = true })
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
      if (closed) throw new Error(`the worker exited (${child.exitCode ?? child.signalCode}) before saying ${type}: ${stderr}`)
      await new Promise<void>(resolve => { waiters.push(resolve); child.once('close', () => resolve()) })
    }
  }
  return {
    said,
    kill: async (signal = 'SIGKILL') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      const [code, ended] = await exited
      return { code, signal: ended }
    },
    stderr: () => stderr
  }
}

async function main (bootstrap: string, group: string, type: string, sessionTimeoutMs: number, mode: string): Promise<void> {
  const stream = createEventStream({ brokers: [bootstrap], closeOnSignals: mode === 'drain' ? ['SIGTERM'] : [] })
  const say = (line: WorkerLine): void => { process.stdout.write(`${JSON.stringify(line)}\n`) }
  await stream.subscribe(type, { group, sessionTimeoutMs }, async event => {
    const orderId = (event.data as { orderId: string }).orderId
    say({ type: 'handling', orderId })
    // 'hang': the worker is killed in here, this handler never finishes
    // 'drain': it finishes once SIGTERM has started the stream's drain
    await new Promise<void>(resolve => { if (mode === 'drain') process.once('SIGTERM', () => resolve()) })
    say({ type: 'handled', orderId })
  })
  say({ type: 'ready' })
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [bootstrap, group, type, session, mode] = process.argv.slice(2)
  main(bootstrap!, group!, type!, Number(session), mode ?? 'hang').catch(err => { console.error(err); process.exit(1) })
}
