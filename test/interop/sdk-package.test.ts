// The package as a user gets it: `npm pack`, then `npm install <tarball>` into
// a fresh project outside this repository, a TypeScript example compiled
// against the published types and run against startTributary. It proves the
// exports map, the declarations, the `files` list and that nothing the
// package runs needs a devDependency. Slow (a build and an install), so it
// lives with the interop tests.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { createRequire } from 'node:module'

const run = promisify(execFile)
const repo = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '..')
const require = createRequire(import.meta.url)

const example = `
import { startTributary, createEventStream, TributaryError, type StartTributaryOptions } from 'tributary'
import * as net from 'node:net'

const options: StartTributaryOptions = { topics: [{ name: 'orders', partitions: 2 }] }
await using t = await startTributary(options)
const [host, port] = t.brokers[0]!.split(':')
// a Kafka client's first bytes: ApiVersions v0, to show the listener answers
const socket = net.connect(Number(port), host)
await new Promise<void>(resolve => socket.once('connect', () => resolve()))
const request = Buffer.alloc(4 + 10)
request.writeInt32BE(10, 0); request.writeInt16BE(18, 4); request.writeInt16BE(0, 6); request.writeInt32BE(7, 8); request.writeInt16BE(-1, 12)
socket.write(request)
const answer: Buffer = await new Promise(resolve => socket.once('data', resolve))
socket.destroy()
// the event stream SDK, without @opentelemetry/api (an optional peer) or any schema library installed
const stream = createEventStream({ tributary: t })
let delivered = ''
const handled = new Promise<void>(resolve => {
  stream.subscribe('order.created', { group: 'mailer' }, event => { delivered = (event.data as { id: string }).id; resolve() }).catch(() => {})
})
await stream.publish('order.created', { id: 'o-1' }, { key: 'ann' })
await handled
await stream.close()
const fault = t.faults.add({ api: 'Produce', error: 'NOT_LEADER_OR_FOLLOWER' })
const health = await fetch(t.busEndpoint + '/health').then(r => r.json()) as { status: string }
let refused = ''
try { t.faults.add({ api: 'NoSuchApi', error: 'NONE' }) } catch (err) { refused = (err as TributaryError).code }
console.log(JSON.stringify({ correlationId: answer.readInt32BE(4), health: health.status, records: (await t.records('orders')).length, fault: fault.remaining, refused, delivered }))
`

test('the packed tarball installs into a fresh project whose TypeScript example compiles and runs', { timeout: 600_000 }, async () => {
  const work = await mkdtemp(join(tmpdir(), 'tributary-pack-'))
  try {
    const { stdout } = await run('npm', ['pack', '--silent', '--pack-destination', work], { cwd: repo, maxBuffer: 16 << 20 })
    const tarball = join(work, stdout.trim().split('\n').at(-1)!)
    const project = join(work, 'app')
    await run('mkdir', [project])
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }))
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], { cwd: project, maxBuffer: 16 << 20 })
    // the example is compiled with this repository's TypeScript and node types: the package must bring everything else
    const compilerOptions = {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      outDir: 'out',
      skipLibCheck: false,
      lib: ['ES2022', 'esnext.disposable'],
      types: ['node'],
      typeRoots: [join(repo, 'node_modules', '@types')],
    }
    await writeFile(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['example.ts'] }))
    await writeFile(join(project, 'example.ts'), example)
    const tsc = join(require.resolve('typescript/package.json'), '..', 'bin', 'tsc')
    await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project }).catch((err: { stdout?: string }) => {
      throw new Error(`the example does not compile against the published types:\n${err.stdout ?? ''}`)
    })
    const installed = await readdir(join(project, 'node_modules'))
    for (const dev of ['kafkajs', '@platformatic', '@aws-sdk', 'tsx', 'typescript', 'zod']) assert.ok(!installed.includes(dev), `${dev} is not installed with the package`)
    const result = await run(process.execPath, [join(project, 'out', 'example.js')], { cwd: project, timeout: 60_000 })
    assert.deepEqual(JSON.parse(result.stdout), { correlationId: 7, health: 'ok', records: 0, fault: 1, refused: 'TRIB_ERR_FAULT', delivered: 'o-1' })
  } finally {
    await rm(work, { recursive: true, force: true })
  }
})
