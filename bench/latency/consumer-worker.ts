// The consumer side of bench/latency.ts, in its own thread so that its event loop does not queue behind the
// producer's: fetches the partition from `offset` as fast as the broker answers (long-poll 100 ms) and, for each
// record, posts back its send time and now − that send time, from the record's first 8 bytes (microseconds since the epoch,
// taken from performance.timeOrigin + performance.now(), which both threads share).
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { parentPort, workerData } from 'node:worker_threads'
import { Fetcher, KafkaClient } from '../../src/client/index.js'

interface Input { bootstrap: string, topic: string, offset: number }
const { bootstrap, topic, offset: start } = workerData as Input
const nowUs = (): number => (performance.timeOrigin + performance.now()) * 1000

const client = await KafkaClient.connect(bootstrap)
const fetcher = new Fetcher(client)
// the producer starts only now: loading this thread's modules must not count as latency
parentPort?.postMessage('ready')
// how late this thread's event loop runs (ns): a record that arrives while it is stalled counts the stall as latency
const loopDelay = monitorEventLoopDelay({ resolution: 1 })
loopDelay.enable()
let offset = start
const state = { stopped: false }
parentPort?.on('message', (message: unknown) => { if (message === 'stop') state.stopped = true })
while (!state.stopped) {
  const [partition] = await fetcher.fetch([{ topic, partition: 0, offset }], { maxWaitMs: 100, partitionMaxBytes: 4 << 20 })
  if (partition === undefined) continue
  const received = nowUs()
  // (send time, latency) per record: the main thread counts only records sent after its warm-up
  const latencies = new Float64Array(2 * partition.records.length)
  partition.records.forEach((r, i) => {
    const sent = r.value === null ? NaN : r.value.readDoubleLE(0)
    latencies[2 * i] = sent
    latencies[2 * i + 1] = received - sent
  })
  if (latencies.length > 0) parentPort?.postMessage(latencies, [latencies.buffer])
  offset = partition.nextOffset
}
loopDelay.disable()
client.close()
parentPort?.postMessage({ loopDelayNs: [loopDelay.percentile(50), loopDelay.percentile(99), loopDelay.max] })
parentPort?.postMessage('stopped')
