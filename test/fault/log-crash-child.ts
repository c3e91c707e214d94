// Child process for log-crash.test.ts: appends batches from several concurrent
// producers, waits for each to be fsynced, then prints "ACK <offset> <value>".
// The parent kills it with SIGKILL at a random moment.
import { LogManager } from '../../src/log/log-manager.js'
import { encodeBatch } from '../../src/protocol/records/batch-codec.js'

const [dir, run] = process.argv.slice(2) as [string, string]
const m = await LogManager.open(dir, { defaults: { 'segment.bytes': '16384' } })
if (m.topic('crash') === undefined) await m.createTopic('crash', 1)
const p = m.partition('crash', 0)!
process.stdout.write('READY\n')

async function producer (id: number): Promise<never> {
  for (let seq = 0; ; seq++) {
    const value = `${run}-${id}-${seq}`
    const r = await p.append(encodeBatch([{ value, timestamp: Date.now() }, { value: value + '/b' }]), { durability: 'acksAll' })
    process.stdout.write(`ACK ${r.baseOffset} ${value}\n`)
  }
}
await Promise.all([0, 1, 2, 3, 4, 5].map(producer))
