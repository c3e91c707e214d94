// A whole Tributary in this process, built by the composition root on loopback
// port 0 with a temp data dir, for tests that read its /metrics.
import type { Logger } from 'pino'
import type { Tributary, TributaryOptions } from '../../src/tributary.js'
import { startInProcess } from '../helpers/in-process-tributary.js'
import { parsePrometheusText, type Family } from './prometheus-text.js'
import { RawKafkaConnection, requestFrame } from '../helpers/raw-kafka.js'
import { decodeBuffer, encodeToBuffer } from '../../src/protocol/codec.js'
import { offsetCommitApi } from '../../src/protocol/messages/offset-commit.js'

export interface RunningTributary {
  app: Tributary
  bootstrap: string
  httpUrl: string
  /** GET /metrics, checked strictly and parsed. */
  scrape: () => Promise<Map<string, Family>>
  /** One call to the HTTP face (the console's JSON endpoints): the status and the parsed JSON answer. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  call: (method: string, path: string, body?: unknown) => Promise<{ status: number, json: any }>
  close: () => Promise<void>
}

export async function startTributary (options: TributaryOptions = {}, logger?: Logger): Promise<RunningTributary> {
  const t = await startInProcess({ clusterId: 'metrics-test', groupInitialRebalanceDelayMs: 0 }, { prefix: 'tributary-metrics-', options, logger })
  return {
    app: t.app,
    bootstrap: t.bootstrap(),
    httpUrl: t.httpUrl,
    scrape: async () => await scrape(t.httpUrl),
    call: async (method, path, body) => await callJson(t.httpUrl, method, path, body),
    close: t.stop
  }
}

// The answers are JSON read by the tests' assertions, which check the shapes they use.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function callJson (httpUrl: string, method: string, path: string, body?: unknown): Promise<{ status: number, json: any }> {
  const response = await fetch(`${httpUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  return { status: response.status, json: await response.json() }
}

/** GET /metrics from a running Tributary, checked strictly and parsed. */
export async function scrape (httpUrl: string): Promise<Map<string, Family>> {
  const response = await fetch(`${httpUrl}/metrics`)
  if (response.status !== 200) throw new Error(`GET /metrics answered ${response.status}`)
  const type = response.headers.get('content-type') ?? ''
  if (!type.startsWith('text/plain; version=0.0.4')) throw new Error(`GET /metrics content-type ${type}`)
  return parsePrometheusText(await response.text())
}

/** Polls `check` until it returns true: for counters that change after the event a test can await. */
export async function eventually (what: string, check: () => Promise<boolean>, attempts = 500): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await check()) return
    await new Promise(resolve => setTimeout(resolve, 20))
  }
  throw new Error(`TRIB_ERR_TEST: never true: ${what}`)
}

/**
 * Commits offsets as a standalone (non-member) consumer does: OffsetCommit v2
 * with generation -1 and no member id, over a raw connection and the
 * project's codec. Throws unless every partition is answered NONE.
 */
export async function commitAsStandalone (bootstrap: string, groupId: string, topic: string, offsets: Record<number, number>): Promise<void> {
  const [host, port] = bootstrap.split(':')
  const connection = await RawKafkaConnection.open(host!, Number(port))
  try {
    const body = encodeToBuffer(offsetCommitApi.request, 2, {
      groupId,
      generationIdOrMemberEpoch: -1,
      memberId: '',
      retentionTimeMs: -1n,
      topics: [{ name: topic, partitions: Object.entries(offsets).map(([p, o]) => ({ partitionIndex: Number(p), committedOffset: BigInt(o), committedMetadata: null })) }]
    })
    connection.write(requestFrame(offsetCommitApi.apiKey, 2, 1, body))
    const frame = await connection.nextFrame()
    const { body: answer } = decodeBuffer(offsetCommitApi.response, 2, frame.subarray(4))
    const codes = answer.topics.flatMap(t => t.partitions.map(p => p.errorCode))
    if (codes.some(c => c !== 0)) throw new Error(`TRIB_ERR_TEST: OffsetCommit answered ${codes.join(',')}`)
  } finally {
    connection.destroy()
  }
}
