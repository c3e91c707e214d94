// Peer servers the benchmark starts beside Tributary, on loopback, each in its own temp dir:
// Redis (Streams) and NATS (JetStream), both from Debian (`apt-get install redis-server nats-server`).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { once } from 'node:events'

export interface PeerServer {
  port: number
  close: () => Promise<void>
}

export function installed (binary: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${binary}`]).status === 0
}

async function freePort (): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  server.close()
  await once(server, 'close')
  return port
}

/** Starts a child and waits until a line of its output matches `ready` (or it exits, which is an error). */
async function startUntil (command: string, args: string[], ready: RegExp, what: string): Promise<ChildProcess> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString()
      if (ready.test(output)) resolve()
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.once('exit', code => reject(new Error(`TRIB_ERR_BENCH_PEER: ${what} exited ${code} before it was ready\n${output.slice(-2000)}`)))
  })
  return child
}

async function stop (child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  child.kill('SIGTERM')
  await once(child, 'exit')
}

/**
 * redis-server with the append-only file on: `fsync` is Redis's appendfsync, 'everysec' (its default when
 * AOF is on) or 'always' (fsync before each reply, its strongest setting). RDB snapshots off, so only the
 * AOF writes to disk during the run.
 */
export async function startRedis (dir: string, fsync: 'everysec' | 'always'): Promise<PeerServer> {
  const port = await freePort()
  mkdirSync(dir, { recursive: true })
  const child = await startUntil('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir,
    '--appendonly', 'yes', '--appendfsync', fsync, '--save', '', '--protected-mode', 'no'],
  /Ready to accept connections/, 'redis-server')
  return { port, close: async () => await stop(child) }
}

/**
 * nats-server with JetStream on file storage in `dir`. Its default sync is periodic (the OS page cache,
 * flushed every couple of minutes); the Debian build (2.9) has no per-write fsync setting (`sync_interval:
 * always` arrived in 2.10), so that is the strongest durability it offers here.
 */
export async function startNats (dir: string): Promise<PeerServer> {
  const port = await freePort()
  mkdirSync(join(dir, 'jetstream'), { recursive: true })
  const child = await startUntil('nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir],
    /Server is ready/, 'nats-server')
  return { port, close: async () => await stop(child) }
}

export function natsVersion (): string {
  const out = spawnSync('nats-server', ['--version'], { encoding: 'utf8' })
  return (out.stdout ?? '').trim()
}
