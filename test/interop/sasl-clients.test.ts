// kcat (librdkafka) and kafka-python authenticate with PLAIN, SCRAM-SHA-256 and
// SCRAM-SHA-512 over SASL_PLAINTEXT and SASL_SSL against a broker process
// started from a --config file; wrong credentials are refused. (kafkajs does
// the same in test/broker/sasl-listeners.test.ts.) kafka-python 2.0.2 uses
// SaslHandshake v0 and bare SASL tokens; librdkafka v1 and SaslAuthenticate.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { BrokerProcess, freePort, projectRoot } from '../helpers/broker-process.js'
import { kcat, runKcat } from '../helpers/kcat.js'
import { makeTestCerts, type TestCerts } from '../helpers/tls-certs.js'
import { PATIENCE_MS } from '../helpers/wait.js'

const MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const
const PROTOCOLS = ['SASL_PLAINTEXT', 'SASL_SSL'] as const

let certs: TestCerts
let broker: BrokerProcess
const ports: Record<string, number> = {}

before(async () => {
  certs = makeTestCerts()
  ports.SASL_PLAINTEXT = await freePort()
  ports.SASL_SSL = await freePort()
  const configFile = join(certs.dir, 'tributary.json')
  writeFileSync(configFile, JSON.stringify({
    saslFailureDelayMs: 20,
    // authentication is what this file tests; ACLs (on by default once a listener is SASL) are tested in test/broker/acl
    authorization: false,
    listeners: [
      { name: 'SASL', host: '127.0.0.1', port: ports.SASL_PLAINTEXT, protocol: 'SASL_PLAINTEXT' },
      { name: 'SECURE', host: '127.0.0.1', port: ports.SASL_SSL, protocol: 'SASL_SSL', tls: { certFile: certs.certFile, keyFile: certs.keyFile } }
    ],
    users: [{ name: 'alice', password: 'alice-secret', mechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] }]
  }))
  broker = await BrokerProcess.start({ extraArgs: ['--config', configFile] })
})

after(async () => {
  await broker.cleanup()
  certs.cleanup()
})

function kcatSecurity (protocol: string, mechanism: string, password: string): string[] {
  const args = ['-b', `127.0.0.1:${ports[protocol]}`, '-X', `security.protocol=${protocol}`, '-X', `sasl.mechanisms=${mechanism}`,
    '-X', 'sasl.username=alice', '-X', `sasl.password=${password}`]
  if (protocol === 'SASL_SSL') args.push('-X', `ssl.ca.location=${certs.caFile}`)
  return args
}

async function runPython (args: string[]): Promise<{ code: number | null, stdout: string, stderr: string }> {
  const child = spawn('/usr/bin/python3', [join(projectRoot, 'test', 'interop', 'kafka-python-sasl-client.py'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8') })
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8') })
  const timer = setTimeout(() => child.kill('SIGKILL'), PATIENCE_MS)
  const code = await new Promise<number | null>(resolve => child.once('close', resolve))
  clearTimeout(timer)
  return { code, stdout, stderr }
}

describe('kcat (librdkafka) over SASL', () => {
  for (const protocol of PROTOCOLS) {
    for (const mechanism of MECHANISMS) {
      test(`${mechanism} over ${protocol} produces and consumes`, async () => {
        const topic = `kcat-${protocol}-${mechanism}`.toLowerCase()
        await kcat([...kcatSecurity(protocol, mechanism, 'alice-secret'), '-P', '-t', topic], { stdin: 'one\n' })
        const out = await kcat([...kcatSecurity(protocol, mechanism, 'alice-secret'), '-C', '-t', topic, '-o', 'beginning', '-e', '-q'])
        assert.equal(out.toString('utf8').trim(), 'one')
      })
    }
  }

  for (const mechanism of MECHANISMS) {
    test(`${mechanism} with a wrong password is refused`, async () => {
      const result = await runKcat([...kcatSecurity('SASL_PLAINTEXT', mechanism, 'wrong'), '-L', '-m', '5'], { timeoutMs: 30_000 })
      assert.notEqual(result.code, 0)
      assert.match(result.stderr, /Authentication failed|SASL|authentication/i)
    })
  }
})

describe('kafka-python over SASL (SaslHandshake v0, bare tokens)', () => {
  for (const protocol of PROTOCOLS) {
    for (const mechanism of MECHANISMS) {
      test(`${mechanism} over ${protocol} produces and consumes`, async () => {
        const topic = `py-${protocol}-${mechanism}`.toLowerCase()
        const result = await runPython([`127.0.0.1:${ports[protocol]}`, protocol, mechanism, 'alice', 'alice-secret', protocol === 'SASL_SSL' ? certs.caFile : '-', topic])
        assert.equal(result.code, 0, result.stderr)
        assert.deepEqual((JSON.parse(result.stdout) as { values: string[] }).values, [`from kafka-python ${mechanism}`])
      })
    }
  }

  for (const mechanism of MECHANISMS) {
    test(`${mechanism} with a wrong password is refused`, async () => {
      const result = await runPython([`127.0.0.1:${ports.SASL_PLAINTEXT}`, 'SASL_PLAINTEXT', mechanism, 'alice', 'wrong', '-', 'py-refused'])
      assert.notEqual(result.code, 0)
    })
  }
})
