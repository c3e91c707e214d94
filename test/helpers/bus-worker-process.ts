// Runs `tributary bus --kafka <bootstrap>` as a child process (a bus worker of the
// cluster mode): a free HTTP port, readiness by polling GET /health, SIGKILL.
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { freePort, projectRoot } from './broker-process.js'
import { PATIENCE_MS, waitFor } from './wait.js'

const liveWorkers = new Set<ChildProcess>()
process.once('exit', () => { for (const child of liveWorkers) child.kill('SIGKILL') })

export class BusWorkerProcess {
  private output = ''
  private exited: Promise<void>
  private alive = true

  private constructor (private readonly child: ChildProcess, readonly httpPort: number, readonly name: string) {
    liveWorkers.add(child)
    child.stdout?.on('data', (chunk: Buffer) => this.append(chunk))
    child.stderr?.on('data', (chunk: Buffer) => this.append(chunk))
    this.exited = new Promise(resolve => child.once('exit', () => { this.alive = false; liveWorkers.delete(child); resolve() }))
  }

  /**
   * mainScript: a built dist/cli/main.js to run instead of the source through tsx
   * (benchmarks compare builds side by side); nodeArgs: node options before it (--cpu-prof).
   */
  static async start (bootstrap: string, options: { name?: string, env?: Record<string, string>, extraArgs?: string[], mainScript?: string, nodeArgs?: string[] } = {}): Promise<BusWorkerProcess> {
    const httpPort = await freePort()
    const entry = options.mainScript !== undefined ? [options.mainScript] : ['--import', 'tsx', join(projectRoot, 'src', 'cli', 'main.ts')]
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...entry, 'bus', '--kafka', bootstrap, '--http-port', String(httpPort), ...(options.extraArgs ?? [])], {
      cwd: projectRoot,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const worker = new BusWorkerProcess(child, httpPort, options.name ?? `worker:${httpPort}`)
    await waitFor(async () => {
      if (!worker.alive) throw new Error(`TRIB_ERR_TEST_WORKER: ${worker.name} exited before it was ready\n${worker.output.slice(-4096)}`)
      try {
        const response = await fetch(`${worker.url}/health`, { signal: AbortSignal.timeout(2000) })
        await response.arrayBuffer()
        return response.status === 200
      } catch {
        return false
      }
    }, `${worker.name} /health`)
    return worker
  }

  get url (): string { return `http://127.0.0.1:${this.httpPort}` }
  get running (): boolean { return this.alive }
  get pid (): number | undefined { return this.child.pid }
  /** Everything the worker printed, the newest 256 KiB. */
  log (): string { return this.output }

  async kill (): Promise<void> {
    if (!this.alive) return
    this.child.kill('SIGKILL')
    await this.exited
  }

  /** SIGSTOP: the worker stalls (no heartbeats, no timers) until resume(). */
  pause (): void { this.child.kill('SIGSTOP') }
  /** SIGCONT after pause(). */
  resume (): void { this.child.kill('SIGCONT') }

  async stop (): Promise<void> {
    if (!this.alive) return
    this.child.kill('SIGTERM')
    const timer = setTimeout(() => this.child.kill('SIGKILL'), PATIENCE_MS)
    await this.exited
    clearTimeout(timer)
  }

  private append (chunk: Buffer): void {
    this.output += chunk.toString('utf8')
    if (this.output.length > 256 * 1024) this.output = this.output.slice(-256 * 1024)
  }
}

/** One bus API call (AWS JSON 1.1); throws on an error answer. */
export async function busCall (url: string, action: string, input: Record<string, unknown>): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSEvents.${action}` },
    body: JSON.stringify(input),
  })
  const body = await response.json() as Record<string, unknown>
  if (response.status !== 200) throw new Error(`${action} answered ${response.status}: ${JSON.stringify(body)}`)
  return body
}
