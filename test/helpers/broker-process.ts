// Runs a real Tributary broker as a child process for interop, fault and bench tests:
// free loopback ports, a temp data dir, readiness by polling GET /health, SIGTERM / SIGKILL,
// and a restart on the same data dir and ports (clients keep their bootstrap address).
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PATIENCE_MS } from './wait.js'

export const projectRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..')

export const BrokerEntry = {
  /** src/cli/main.ts through the tsx loader: what the tests use. */
  source: 'source',
  /** dist/cli/main.js after `npm run build`: what the benchmark uses. */
  compiled: 'compiled'
} as const
export type BrokerEntryValue = typeof BrokerEntry[keyof typeof BrokerEntry]

export interface BrokerProcessOptions {
  entry?: BrokerEntryValue
  /** Reuse this data dir; by default a fresh temp dir is made (and removed by cleanup()). */
  dataDir?: string
  /** Extra CLI arguments after the standard ones. */
  extraArgs?: string[]
  env?: Record<string, string>
  /** With the compiled entry: another build's dist/cli/main.js (benchmarks compare builds side by side). */
  mainScript?: string
  /** How long to wait for /health to answer 200. */
  readyTimeoutMs?: number
  /** Node options before the script, for those NODE_OPTIONS refuses (benchmarks: --trace-gc, --cpu-prof). */
  nodeArgs?: string[]
}

const host = '127.0.0.1'
const outputLimit = 256 * 1024
const liveChildren = new Set<ChildProcess>()

// A test that throws or is cancelled must not leave brokers running behind it.
process.once('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL')
})

export async function freePort (): Promise<number> {
  const server = createServer()
  server.listen(0, host)
  await once(server, 'listening')
  const address = server.address()
  server.close()
  await once(server, 'close')
  if (address === null || typeof address === 'string') throw new Error('TRIB_ERR_TEST_NO_PORT: no port was assigned')
  return address.port
}

export class BrokerProcess {
  readonly host = host
  readonly dataDir: string
  readonly kafkaPort: number
  readonly httpPort: number
  private readonly options: BrokerProcessOptions
  private readonly ownsDataDir: boolean
  private child: ChildProcess | null = null
  private exited: Promise<{ code: number | null, signal: NodeJS.Signals | null }> = Promise.resolve({ code: 0, signal: null })
  private outputText = ''
  private starts = 0

  private constructor (options: BrokerProcessOptions, kafkaPort: number, httpPort: number) {
    this.options = options
    this.ownsDataDir = options.dataDir === undefined
    this.dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'tributary-test-'))
    this.kafkaPort = kafkaPort
    this.httpPort = httpPort
  }

  /** Starts a broker on fresh loopback ports and resolves once /health answers 200. */
  static async start (options: BrokerProcessOptions = {}): Promise<BrokerProcess> {
    const broker = new BrokerProcess(options, await freePort(), await freePort())
    await broker.launch()
    return broker
  }

  /** `127.0.0.1:<kafka port>`, the bootstrap address clients use. */
  get bootstrap (): string { return `${this.host}:${this.kafkaPort}` }
  get httpUrl (): string { return `http://${this.host}:${this.httpPort}` }
  get pid (): number | undefined { return this.child?.pid }
  get running (): boolean { return this.child !== null }

  /** Everything the broker printed (stdout and stderr, across restarts), the newest 256 KiB. */
  output (): string { return this.outputText }

  /** Sends SIGTERM and resolves with the exit code once the process has ended. */
  async stop (timeoutMs = PATIENCE_MS): Promise<number | null> {
    const child = this.child
    if (child === null) return null
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    const { code, signal } = await this.exited
    clearTimeout(timer)
    if (signal === 'SIGKILL') throw this.failure(`did not exit within ${timeoutMs} ms of SIGTERM`)
    return code
  }

  /** Sends SIGKILL (no chance to flush) and resolves once the process has ended. */
  async kill (): Promise<void> {
    const child = this.child
    if (child === null) return
    child.kill('SIGKILL')
    await this.exited
  }

  /** Starts the broker again on the same data dir and ports; the previous process must have ended. */
  async restart (): Promise<void> {
    if (this.child !== null) throw new Error('TRIB_ERR_TEST_BROKER_RUNNING: stop() or kill() the broker before restart()')
    await this.launch()
  }

  /** Stops the broker if it runs and removes the data dir it created. */
  async cleanup (): Promise<void> {
    if (this.child !== null) await this.kill()
    if (this.ownsDataDir) rmSync(this.dataDir, { recursive: true, force: true })
  }

  /** Runs fn; if it throws, the error message gets the broker's recent output appended. */
  async explain<T> (fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (error) {
      if (error instanceof Error) error.message += `\n--- broker output (last 8 KiB) ---\n${this.outputText.slice(-8192)}`
      throw error
    }
  }

  private failure (what: string): Error {
    return new Error(`TRIB_ERR_TEST_BROKER: broker ${what}\n--- broker output (last 8 KiB) ---\n${this.outputText.slice(-8192)}`)
  }

  private append (chunk: Buffer): void {
    this.outputText += chunk.toString('utf8')
    if (this.outputText.length > outputLimit) this.outputText = this.outputText.slice(-outputLimit)
  }

  private commandLine (): string[] {
    const args = ['start', '--data-dir', this.dataDir, '--host', this.host,
      '--kafka-port', String(this.kafkaPort), '--http-port', String(this.httpPort), ...(this.options.extraArgs ?? [])]
    if (this.options.entry === BrokerEntry.compiled) return [this.options.mainScript ?? join(projectRoot, 'dist', 'cli', 'main.js'), ...args]
    return ['--import', 'tsx', join(projectRoot, 'src', 'cli', 'main.ts'), ...args]
  }

  private async launch (): Promise<void> {
    this.starts++
    this.outputText += `\n=== broker start #${this.starts} ===\n`
    const child = spawn(process.execPath, [...(this.options.nodeArgs ?? []), ...this.commandLine()], {
      cwd: projectRoot,
      env: { ...process.env, ...this.options.env },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    this.child = child
    liveChildren.add(child)
    child.stdout?.on('data', (chunk: Buffer) => this.append(chunk))
    child.stderr?.on('data', (chunk: Buffer) => this.append(chunk))
    this.exited = new Promise(resolve => {
      child.once('exit', (code, signal) => {
        liveChildren.delete(child)
        if (this.child === child) this.child = null
        this.outputText += `\n=== broker exited: code ${code} signal ${signal} ===\n`
        resolve({ code, signal })
      })
    })
    try {
      await this.awaitHealthy(this.options.readyTimeoutMs ?? PATIENCE_MS)
    } catch (error) {
      child.kill('SIGKILL')
      await this.exited
      throw error
    }
  }

  // Polling is the only way to learn readiness from outside the process: the contract is /health.
  private async awaitHealthy (timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    let exitedEarly = false
    this.exited.then(() => { exitedEarly = true }, () => {})
    while (Date.now() < deadline) {
      if (exitedEarly) throw this.failure('exited before /health answered 200')
      try {
        const response = await fetch(`${this.httpUrl}/health`, { signal: AbortSignal.timeout(2000) })
        await response.arrayBuffer()
        if (response.status === 200) return
      } catch {
        // not listening yet
      }
      await new Promise(resolve => setTimeout(resolve, 50))
    }
    throw this.failure(`did not answer GET /health with 200 within ${timeoutMs} ms`)
  }
}
