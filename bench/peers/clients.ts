// The clients that drive each peer, each the fastest publisher its project ships or recommends:
// redis-benchmark (C, pipelined XADD) for Redis Streams, nats.js (JetStream async publish with a window of
// outstanding acks) for NATS, since the Debian package has no `nats bench`.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { connect, StorageType } from 'nats'
import type { Rate } from '../limits.js'

/** `count` XADDs of one `size`-byte field to one stream: `clients` connections, `pipeline` commands in flight each. */
export async function redisXadd (port: number, count: number, size: number, clients = 4, pipeline = 1000): Promise<Rate> {
  const value = 'x'.repeat(size)
  const child = spawn('redis-benchmark', ['-h', '127.0.0.1', '-p', String(port), '-n', String(count), '-c', String(clients),
    '-P', String(pipeline), '--csv', 'XADD', 'bench', '*', 'v', value], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { out += chunk.toString() })
  const [code] = await once(child, 'close') as [number | null]
  // --csv prints a header line, then "XADD ...","<requests per second>",...
  const line = out.split('\n').find(l => l.startsWith('"XADD'))
  const rps = line === undefined ? NaN : Number(line.split('","')[1])
  if (code !== 0 || !Number.isFinite(rps)) throw new Error(`TRIB_ERR_BENCH_PEER: redis-benchmark exited ${code}: ${out.slice(-500)}`)
  return { bytes: count * size, seconds: count / rps }
}

/** Publishes `count` messages of `size` bytes to a file-backed JetStream stream, `window` acks outstanding. */
export async function natsPublish (port: number, count: number, size: number, window = 1000): Promise<Rate> {
  const nc = await connect({ servers: `127.0.0.1:${port}` })
  try {
    const jsm = await nc.jetstreamManager()
    await jsm.streams.add({ name: 'BENCH', subjects: ['bench.>'], storage: StorageType.File })
    const js = nc.jetstream()
    const payload = new Uint8Array(size).fill(0x61)
    const inFlight = new Set<Promise<unknown>>()
    const start = performance.now()
    for (let i = 0; i < count; i++) {
      const ack = js.publish('bench.events', payload).then(() => { inFlight.delete(ack) })
      inFlight.add(ack)
      if (inFlight.size >= window) await Promise.race(inFlight)
    }
    await Promise.all(inFlight)
    const seconds = (performance.now() - start) / 1000
    const info = await jsm.streams.info('BENCH')
    if (info.state.messages !== count) throw new Error(`TRIB_ERR_BENCH_COUNT: JetStream holds ${info.state.messages} of ${count}`)
    return { bytes: count * size, seconds }
  } finally {
    await nc.close()
  }
}
