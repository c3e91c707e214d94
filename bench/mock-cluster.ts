// librdkafka's in-memory mock cluster (`-X test.mock.num.brokers=1`): a broker that stores messages in memory
// and does no other work, the ceiling for a client. It lives inside a kcat process; we keep one alive
// (an idle consumer on a topic nobody writes) and point other clients at the port it prints.
import { spawn, type ChildProcess } from 'node:child_process'

export interface MockCluster {
  bootstrap: string
  stop: () => void
}

export async function startMockCluster (): Promise<MockCluster> {
  const host: ChildProcess = spawn('kcat', ['-X', 'test.mock.num.brokers=1', '-b', 'ignored:1', '-C', '-t', 'mock-idle', '-o', 'end', '-q'],
    { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  const bootstrap = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`TRIB_ERR_BENCH_MOCK: no mock cluster address in 10 s\n${stderr}`)), 10_000)
    host.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
      // "Mock cluster enabled: original bootstrap.servers ... replaced with 127.0.0.1:39489"
      const match = /replaced with (\S+:\d+)/.exec(stderr)
      if (match) { clearTimeout(timer); resolve(match[1]!) }
    })
    host.once('exit', code => { clearTimeout(timer); reject(new Error(`TRIB_ERR_BENCH_MOCK: kcat exited ${code}\n${stderr}`)) })
  })
  return { bootstrap, stop: () => { host.kill() } }
}
