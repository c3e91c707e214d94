// A bus worker on a cluster that only opens a SASL_SSL listener, with the
// authorizer on: it authenticates with each SASL mechanism over TLS (checking the
// broker's certificate against the configured CA), runs on exactly the ACLs
// docs/scale-out.md lists (read from that file), and delivers an event; a wrong
// password fails the start with the bootstrap servers and the mechanism named.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import { once } from 'node:events'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { defaultConfig, type BrokerConfig } from '../../src/config.js'
import { Tributary } from '../../src/tributary.js'
import { BusWorker } from '../../src/bus/cluster/worker.js'
import type { ClientSecurity } from '../../src/client/security.js'
import { makeTestCerts, type TestCerts } from '../helpers/tls-certs.js'
import { busCall } from '../helpers/bus-worker-process.js'
import { waitFor } from '../helpers/wait.js'

let certs: TestCerts
let dataDir: string
let app: Tributary
let bootstrap: string
let hook: Server
let hookUrl: string
const delivered: string[] = []

/** The ACL bindings docs/scale-out.md says a worker needs (the JSON block after its marker). */
async function documentedAcls (): Promise<unknown[]> {
  const doc = await readFile(new URL('../../docs/scale-out.md', import.meta.url), 'utf8')
  const block = /<!-- bus-worker-acls -->\s*```json\n([\s\S]*?)```/.exec(doc)
  assert.ok(block?.[1] !== undefined, 'docs/scale-out.md has the bus-worker-acls block')
  return JSON.parse(block[1]) as unknown[]
}

before(async () => {
  certs = makeTestCerts()
  dataDir = await mkdtemp(join(tmpdir(), 'trib-bus-sasl-'))
  const config: BrokerConfig = {
    ...defaultConfig,
    topicDefaults: {},
    dataDir,
    kafkaPort: 0,
    httpPort: 0,
    saslFailureDelayMs: 20,
    groupInitialRebalanceDelayMs: 0,
    authorization: true,
    listeners: [{ name: 'SASL_TLS', host: '127.0.0.1', port: 0, protocol: 'SASL_SSL', tls: { certFile: certs.certFile, keyFile: certs.keyFile } }],
    users: [{ name: 'bus', password: 'bus-secret', mechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] }],
    acls: await documentedAcls(),
  }
  app = new Tributary(config, pino({ level: 'silent' }))
  await app.start()
  bootstrap = `127.0.0.1:${app.components.broker.ports.get('SASL_TLS')!}`
  hook = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => { delivered.push((JSON.parse(Buffer.concat(chunks).toString()) as { detail: { mechanism: string } }).detail.mechanism); res.end() })
  })
  hook.listen(0, '127.0.0.1')
  await once(hook, 'listening')
  const address = hook.address()
  hookUrl = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/hook`
})

after(async () => {
  hook?.close()
  await app?.stop()
  await rm(dataDir, { recursive: true, force: true })
  certs?.cleanup()
})

function worker (security: ClientSecurity, topicPrefix = 'tributary.'): BusWorker {
  return new BusWorker({ bootstrap, httpPort: 0, topicPrefix, security, sessionTimeoutMs: 6000, logger: pino({ level: 'silent' }) })
}

test('a worker authenticated with SCRAM-SHA-512 over TLS serves the bus and delivers on the documented ACLs', async () => {
  const bus = worker({ sasl: { mechanism: 'SCRAM-SHA-512', username: 'bus', password: 'bus-secret' }, tls: { caFile: certs.caFile } })
  const port = await bus.start()
  try {
    const url = `http://127.0.0.1:${port}`
    await busCall(url, 'PutRule', { Name: 'hello', EventPattern: JSON.stringify({ source: ['test'] }) })
    await busCall(url, 'PutTargets', { Rule: 'hello', Targets: [{ Id: 'hook', Arn: hookUrl }] })
    const answer = await busCall(url, 'PutEvents', { Entries: [{ Source: 'test', DetailType: 'Hello', Detail: JSON.stringify({ mechanism: 'SCRAM-SHA-512' }) }] })
    assert.equal(answer.FailedEntryCount, 0, JSON.stringify(answer))
    await waitFor(() => delivered.includes('SCRAM-SHA-512'), 'the worker delivers the event')
  } finally {
    await bus.close()
  }
})

for (const mechanism of ['PLAIN', 'SCRAM-SHA-256'] as const) {
  test(`a worker authenticated with ${mechanism} over TLS serves the bus`, async () => {
    const bus = worker({ sasl: { mechanism, username: 'bus', password: 'bus-secret' }, tls: { caFile: certs.caFile } })
    const port = await bus.start()
    try {
      await busCall(`http://127.0.0.1:${port}`, 'PutRule', { Name: `via-${mechanism.toLowerCase()}`, EventPattern: '{"source":["test"]}' })
    } finally {
      await bus.close()
    }
  })
}

test('a wrong password fails the start naming the bootstrap servers and the mechanism', async () => {
  const bus = worker({ sasl: { mechanism: 'SCRAM-SHA-512', username: 'bus', password: 'wrong' }, tls: { caFile: certs.caFile } })
  await assert.rejects(bus.start(), (err: Error) => err.message.includes(bootstrap) && /SCRAM-SHA-512 authentication of "bus"/.test(err.message))
  await bus.close()
})

test('a broker certificate that the configured CA did not sign fails the start', async () => {
  // The server certificate is not a CA: trusting only it is trusting the wrong CA.
  const bus = worker({ sasl: { mechanism: 'PLAIN', username: 'bus', password: 'bus-secret' }, tls: { caFile: certs.clientCertFile } })
  await assert.rejects(bus.start(), (err: Error) => err.message.includes(bootstrap))
  await bus.close()
})
