/* eslint-disable @typescript-eslint/no-explicit-any -- answers read from the CLI's JSON output; tests check them field by field */
// `tributary status` against a real broker: uptime and version from /health, disk use
// from DescribeLogDirs, checked against the segment files and the file system.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { readdir, stat, statfs } from 'node:fs/promises'
import { join } from 'node:path'
import { BrokerProcess } from '../helpers/broker-process.js'
import { formatBytes } from '../../src/cli/output/bytes.js'
import { cliFor, json, type CliResult } from './cli-process.js'

const packageVersion = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version

let broker: BrokerProcess
let cli: ReturnType<typeof cliFor>

before(async () => {
  broker = await BrokerProcess.start()
  cli = cliFor(broker)
})
after(async () => { await broker.cleanup() })

function ok (result: CliResult): CliResult {
  assert.equal(result.status, 0, `exit ${result.status}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`)
  return result
}

/** Bytes in the segment files of every partition the broker lists, internal topics included. */
async function allSegmentFileBytes (): Promise<number> {
  let bytes = 0
  for (const t of json(ok(await cli(['topic', 'list', '--all', '--json'])))) {
    for (let p = 0; p < t.partitions; p++) {
      const dir = join(broker.dataDir, `${t.name}-${p}`)
      for (const name of await readdir(dir)) if (name.endsWith('.log')) bytes += (await stat(join(dir, name))).size
    }
  }
  return bytes
}

test('/health reports the package version and the uptime in seconds', async () => {
  const health = await (await fetch(`${broker.httpUrl}/health`)).json() as any
  assert.equal(health.status, 'ok')
  assert.equal(health.version, packageVersion)
  assert.equal(typeof health.uptimeSeconds, 'number')
  assert.ok(Number.isInteger(health.uptimeSeconds) && health.uptimeSeconds >= 0)
})

test('status shows version, uptime and disk use, as a table and as JSON', async () => {
  ok(await cli(['topic', 'create', 'sized', '-p', '2']))
  ok(await cli(['produce', 'sized', '-p', '0', 'one', 'two', 'three']))
  ok(await cli(['produce', 'sized', '-p', '1', 'four']))
  const partitionBytes = await allSegmentFileBytes()
  assert.ok(partitionBytes > 0)
  const fsStats = await statfs(broker.dataDir)
  const totalBytes = fsStats.bsize * fsStats.blocks

  const status = json(ok(await cli(['status', '--json'])))
  assert.equal(status.version, packageVersion)
  assert.ok(Number.isInteger(status.uptimeSeconds) && status.uptimeSeconds >= 0, `uptimeSeconds ${status.uptimeSeconds}`)
  assert.equal(status.disk.partitionBytes, partitionBytes)
  assert.equal(status.disk.totalBytes, totalBytes)
  assert.ok(status.disk.usableBytes > 0 && status.disk.usableBytes <= totalBytes)

  const text = ok(await cli(['status'])).stdout
  assert.match(text, new RegExp(`^version:\\s+${packageVersion.replaceAll('.', '\\.')}$`, 'm'))
  assert.match(text, /^uptime:\s+(\d+[dhm] )*\d+s$/m)
  assert.match(text, new RegExp(`^disk:\\s+${formatBytes(partitionBytes)} in partitions; \\d+(\\.\\d)? [KMGTP]?i?B free of ${formatBytes(totalBytes).replace('.', '\\.')}$`, 'm'))
})
