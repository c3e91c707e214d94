// Metadata and ListOffsets latency, and the broker's RSS, at many partitions and
// connections (issue 15, target 4): the real broker (node dist/cli/main.js start) in
// its own process, the project's Kafka client over loopback for the timed requests,
// and plain sockets that each complete one ApiVersions exchange for the connections.
// Usage: npm run build && node --import tsx bench/metadata-scale.ts [partitions=10000] [connections=1000] [topics=10]
//   METADATA_CLI=<dist/cli/main.js of another build> measures that build (side by side runs).
//   With no arguments it runs 10,000 partitions / 1,000 connections and 1,000 / 100, the two cases.
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { freePort } from '../test/helpers/broker-process.js'
import { KafkaClient, TopicAdmin, OffsetTime } from '../src/client/index.js'
import { recordFigure } from './summary.js'

// METADATA_CLI=<another build's dist/cli/main.js> measures that build instead
const cli = process.env.METADATA_CLI ?? fileURLToPath(new URL('../dist/cli/main.js', import.meta.url))
const args = process.argv.slice(2).map(Number)
const cases: Array<[number, number]> = args.length > 0 ? [[args[0] ?? 10_000, args[1] ?? 1_000]] : [[10_000, 1_000], [1_000, 100]]
const topics = args[2] ?? 10

/** RSS of a process in MB, from /proc. */
async function rssMb (pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN)
  return kb / 1024
}

/** An ApiVersions v0 request (correlation id 1): enough for the broker to set up all it keeps per connection. */
function apiVersionsRequest (): Buffer {
  const clientId = Buffer.from('rss')
  const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length)
  body.writeInt16BE(18, 0)
  body.writeInt16BE(0, 2)
  body.writeInt32BE(1, 4)
  body.writeInt16BE(clientId.length, 8)
  clientId.copy(body, 10)
  const size = Buffer.alloc(4)
  size.writeInt32BE(body.length)
  return Buffer.concat([size, body])
}

/** Opens a socket and waits for the answer to one ApiVersions request. */
async function openConnection (port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1')
  await once(socket, 'connect')
  socket.write(apiVersionsRequest())
  let got = 0
  await new Promise<void>((resolve, reject) => {
    socket.on('data', (d: Buffer) => { got += d.length; if (got >= 4) resolve() })
    socket.once('error', reject)
  })
  return socket
}

async function best (rounds: number, fn: () => Promise<void>): Promise<number> {
  let min = Infinity
  for (let i = 0; i < rounds; i++) {
    const t = process.hrtime.bigint()
    await fn()
    min = Math.min(min, Number(process.hrtime.bigint() - t) / 1e6)
  }
  return min
}

async function runCase (partitions: number, connections: number): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'trib-metadata-'))
  const [kafkaPort, httpPort] = [await freePort(), await freePort()]
  const child = spawn(process.execPath, [cli, 'start', '--data-dir', dir, '--host', '127.0.0.1', '--kafka-port', String(kafkaPort), '--http-port', String(httpPort), '--log-level', 'warn'],
    { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, TRIBUTARY_MAX_CONNECTIONS_PER_IP: String(connections + 100) } })
  const exited = once(child, 'exit')
  const sockets: Socket[] = []
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`TRIB_ERR_BENCH_START: the broker exited with ${child.exitCode}`)
      if (await fetch(`http://127.0.0.1:${httpPort}/health`).then(r => r.status === 200, () => false)) break
      await new Promise(resolve => setTimeout(resolve, 20))
    }
    const rssIdle = await rssMb(child.pid!)
    const client = await KafkaClient.connect(`127.0.0.1:${kafkaPort}`, { timeoutMs: 120_000 })
    const admin = new TopicAdmin(client)
    const perTopic = Math.ceil(partitions / topics)
    for (let t = 0; t < topics; t++) await admin.create(`scale-${t}`, perTopic)
    const names = Array.from({ length: topics }, (_, t) => `scale-${t}`)
    const all = Array.from({ length: perTopic }, (_, p) => p)
    const metadataMs = await best(5, async () => { await client.metadata(names) })
    const listOffsetsMs = await best(5, async () => {
      await Promise.all(names.map(name => admin.offsets(name, all, OffsetTime.latest)))
    })
    for (let i = 0; i < connections; i += 50) {
      sockets.push(...await Promise.all(Array.from({ length: Math.min(50, connections - i) }, () => openConnection(kafkaPort))))
    }
    const rss = await rssMb(child.pid!)
    client.close()
    const total = perTopic * topics
    console.log(`${total} partitions, ${connections} connections: Metadata ${metadataMs.toFixed(1)} ms, ListOffsets (one request per topic, together) ${listOffsetsMs.toFixed(1)} ms (best of 5); ` +
      `broker RSS ${rss.toFixed(0)} MB (${rssIdle.toFixed(0)} MB at start, before topics)`)
    const source = 'bench/metadata-scale.ts'
    const rssTarget = total >= 10_000 ? 300 : 150
    recordFigure({ figure: `Metadata, ${total} partitions`, value: Number(metadataMs.toFixed(1)), unit: 'ms', target: '<= 50 ms', met: metadataMs <= 50, source })
    recordFigure({ figure: `ListOffsets, ${total} partitions`, value: Number(listOffsetsMs.toFixed(1)), unit: 'ms', target: '<= 50 ms', met: listOffsetsMs <= 50, source })
    recordFigure({ figure: `broker RSS, ${total} partitions, ${connections} connections`, value: Math.round(rss), unit: 'MB', target: `<= ${rssTarget} MB`, met: rss <= rssTarget, source })
  } finally {
    for (const s of sockets) s.destroy()
    child.kill('SIGTERM')
    await exited
    await rm(dir, { recursive: true, force: true })
  }
}

for (const [partitions, connections] of cases) await runCase(partitions, connections)
