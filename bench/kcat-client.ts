// librdkafka through Debian's kcat: produce a file of N messages with acks=all, consume them back to the end.
import { spawn } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { once } from 'node:events'
import type { Rate } from './limits.js'

/** Writes `count` newline-delimited messages of exactly `size` printable bytes each. */
export async function writeMessageFile (path: string, count: number, size: number): Promise<void> {
  const out = createWriteStream(path)
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
  const perChunk = Math.max(1, Math.floor((1 << 20) / (size + 1)))
  for (let written = 0; written < count;) {
    const n = Math.min(perChunk, count - written)
    const chunk = Buffer.alloc(n * (size + 1))
    for (let m = 0; m < n; m++) {
      const base = m * (size + 1)
      const seed = written + m
      for (let i = 0; i < size; i++) chunk[base + i] = alphabet.charCodeAt((seed * 7 + i * 13) % alphabet.length)
      chunk[base + size] = 0x0a
    }
    if (!out.write(chunk)) await once(out, 'drain')
    written += n
  }
  out.end()
  await once(out, 'close')
}

async function run (args: string[], onStdout?: (chunk: Buffer) => void): Promise<number> {
  const child = spawn('kcat', args, { stdio: ['ignore', onStdout ? 'pipe' : 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  if (onStdout) child.stdout?.on('data', onStdout)
  const start = performance.now()
  const [code] = await once(child, 'close') as [number | null]
  const seconds = (performance.now() - start) / 1000
  if (code !== 0) throw new Error(`TRIB_ERR_BENCH_KCAT: kcat ${args.join(' ')} exited ${code}\n${stderr.slice(-2000)}`)
  return seconds
}

/** Produces every line of `file` to one partition (0 unless named) with acks=all; wall time of the kcat process. */
export async function kcatProduce (bootstrap: string, topic: string, file: string, count: number, size: number, partition = 0): Promise<Rate> {
  const seconds = await run(['-b', bootstrap, '-P', '-t', topic, '-p', String(partition), '-l', file,
    '-X', 'acks=all', '-X', 'linger.ms=5', '-X', 'batch.size=1000000', '-X', 'queue.buffering.max.messages=1000000'])
  return { bytes: count * size, seconds }
}

// -e ends at the first empty Fetch answer, which a broker holds for fetch.wait.max.ms when no data is left (Kafka
// does, and so does librdkafka's mock): with librdkafka's default of 500 ms that wait, not the reading, was most of
// a 30 MB run. 10 ms keeps the end-of-data wait small; while data remains no Fetch waits, so the catch-up is unchanged.
// Bytes per partition per Fetch stay at librdkafka's default (1 MiB, what users run and at most what its mock answers
// with): asking for 8 MiB measured 2x slower (78-93 against 172-222 MB/s from the same broker, cons3's runs), the
// client taking a 32 MiB answer whole before it parses any of it.
const catchUpSettings = ['-X', 'fetch.wait.max.ms=10']

/** Consumes partition 0 from the beginning to its end; checks that exactly `count` messages arrived. */
export async function kcatConsume (bootstrap: string, topic: string, count: number, size: number): Promise<Rate> {
  let lines = 0
  // Print only the offset per message: librdkafka still fetches and parses every batch, the pipe stays small.
  const seconds = await run(['-b', bootstrap, '-C', '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-q', '-f', '%o\n',
    ...catchUpSettings], chunk => {
    for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) lines++
  })
  if (lines !== count) throw new Error(`TRIB_ERR_BENCH_COUNT: kcat consumed ${lines} of ${count} messages from ${topic}`)
  return { bytes: count * size, seconds }
}

export interface StreamRate extends Rate {
  /** From the first message kcat printed to its exit: the catch-up itself, without process start, metadata and ListOffsets. */
  streamSeconds: number
}

/**
 * Consumes every partition of `topic` from the beginning to its end in one kcat process (librdkafka fetches them
 * together); checks that exactly `count` messages arrived. kcat's stdout to a pipe is block-buffered, so the first
 * message is seen when about 4 KiB of offsets (~700 messages) were printed: a small, equal error for every broker.
 */
export async function kcatConsumeAll (bootstrap: string, topic: string, count: number, size: number): Promise<StreamRate> {
  let lines = 0
  let first = 0
  const seconds = await run(['-b', bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%o\n',
    ...catchUpSettings], chunk => {
    if (first === 0) first = performance.now()
    for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) lines++
  })
  const end = performance.now()
  if (lines !== count) throw new Error(`TRIB_ERR_BENCH_COUNT: kcat consumed ${lines} of ${count} messages from ${topic}`)
  return { bytes: count * size, seconds, streamSeconds: (end - first) / 1000 }
}
