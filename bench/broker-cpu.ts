// The broker's own CPU time, read from its /metrics (process_cpu_seconds_total: user + system of the broker
// process), so a benchmark can report CPU seconds per GB moved: on 2 cores the broker competes with the
// client, so CPU per byte is what moves the throughput ratios.
import type { BrokerProcess } from '../test/helpers/broker-process.js'
import type { Rate } from './limits.js'

export async function brokerCpuSeconds (broker: BrokerProcess): Promise<number> {
  const text = await (await fetch(`${broker.httpUrl}/metrics`)).text()
  const line = text.split('\n').find(l => l.startsWith('process_cpu_seconds_total '))
  if (line === undefined) throw new Error('TRIB_ERR_BENCH_METRICS: no process_cpu_seconds_total in /metrics')
  return Number(line.split(' ')[1])
}

export interface CpuRate extends Rate {
  /** Broker CPU seconds spent during the run. */
  cpuSeconds: number
}

/** Broker CPU seconds per GB (10^9 bytes of message values) of a run. */
export const cpuSecondsPerGb = (rate: CpuRate): number => rate.cpuSeconds / (rate.bytes / 1e9)

/** Runs `fn` and adds the broker CPU it cost (scraped before and after; the two scrapes cost well under 1 ms). */
export async function withBrokerCpu (broker: BrokerProcess, fn: () => Promise<Rate>): Promise<CpuRate> {
  const before = await brokerCpuSeconds(broker)
  const rate = await fn()
  const after = await brokerCpuSeconds(broker)
  return { ...rate, cpuSeconds: after - before }
}
