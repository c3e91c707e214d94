// Runs Debian's kcat (librdkafka) as a real client against a broker under test.
import { spawn } from 'node:child_process'
import { PATIENCE_MS } from './wait.js'

export interface KcatResult {
  code: number | null
  stdout: Buffer
  stderr: string
}

/** Runs kcat with args, optionally feeding stdin; resolves when it exits (killed after timeoutMs). */
export async function runKcat (args: string[], options: { stdin?: Buffer | string, timeoutMs?: number } = {}): Promise<KcatResult> {
  const child = spawn('kcat', args, { stdio: ['pipe', 'pipe', 'pipe'] })
  const out: Buffer[] = []
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk))
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8') })
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? PATIENCE_MS)
  child.stdin.on('error', () => { /* kcat may exit before reading all input; its exit code tells */ })
  child.stdin.end(options.stdin ?? '')
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', resolve)
  })
  clearTimeout(timer)
  return { code, stdout: Buffer.concat(out), stderr }
}

/** Like runKcat, but throws (with kcat's stderr) unless kcat exits 0. */
export async function kcat (args: string[], options: { stdin?: Buffer | string, timeoutMs?: number } = {}): Promise<Buffer> {
  const result = await runKcat(args, options)
  if (result.code !== 0) {
    throw new Error(`TRIB_ERR_TEST_KCAT: kcat ${args.join(' ')} exited ${result.code}\n${result.stderr}`)
  }
  return result.stdout
}

/** One consumed message as kcat's -J envelope describes it. */
export interface KcatMessage {
  topic: string
  partition: number
  offset: number
  tstype: string
  ts: number
  key: string | null
  payload: string | null
  headers?: string[] | Record<string, string>
}

/** Consumes a topic (or one partition) from `offset` up to its current end with -J, in partition-offset order. */
export async function consumeAll (bootstrap: string, topic: string, options: { partition?: number, offset?: string } = {}): Promise<KcatMessage[]> {
  const args = ['-b', bootstrap, '-C', '-t', topic, '-o', options.offset ?? 'beginning', '-e', '-q', '-J']
  if (options.partition !== undefined) args.push('-p', String(options.partition))
  const text = (await kcat(args)).toString('utf8')
  return text.split('\n').filter(line => line.length > 0).map(line => JSON.parse(line) as KcatMessage)
}

/** kcat prints headers as a flat [name, value, ...] list; turn either shape into pairs. */
export function headerPairs (message: KcatMessage): Array<[string, string]> {
  const headers = message.headers
  if (headers === undefined) return []
  if (Array.isArray(headers)) {
    const pairs: Array<[string, string]> = []
    for (let i = 0; i + 1 < headers.length; i += 2) pairs.push([headers[i]!, headers[i + 1]!])
    return pairs
  }
  return Object.entries(headers)
}
