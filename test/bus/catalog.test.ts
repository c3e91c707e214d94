// The catalog's storage: what persist() writes (only what changed), what load()
// brings back, and the data directories older versions left behind.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { appendFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { Writable } from 'node:stream'
import { Catalog, CATALOG_JOURNAL_FILE, LEGACY_CATALOG_FILE, ruleKey } from '../../src/bus/catalog.js'
import type { BusDefinition, CatalogData, ReplayDefinition, RuleDefinition } from '../../src/bus/model.js'
import { encodeFrame } from '../../src/log/journal-format.js'
import type { FileSystem } from '../../src/log/fs.js'
import { countingFs } from '../log/helpers.js'

async function tempStateDir (t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'trib-catalog-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  return join(dir, '__bus')
}

const bus = (name: string): BusDefinition => ({ name, arn: `arn:aws:events:us-east-1:000000000000:event-bus/${name}`, createdAt: 1, modifiedAt: 1, tags: [] })
const rule = (busName: string, name: string, extra: Partial<RuleDefinition> = {}): RuleDefinition => ({
  name, busName, arn: `arn:aws:events:us-east-1:000000000000:rule/${busName}/${name}`, eventPattern: '{"source":["orders"]}', state: 'ENABLED', createdAt: 1, targets: [], tags: [], ...extra,
})

async function reload (stateDir: string, logger?: pino.Logger): Promise<Catalog> {
  const catalog = new Catalog(stateDir, { logger })
  await catalog.load()
  return catalog
}

/** A pino logger whose lines land in `lines`. */
function capture (): { logger: pino.Logger, lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = []
  const sink = new Writable({ write (chunk, _enc, done) { lines.push(JSON.parse(chunk.toString())); done() } })
  return { logger: pino(sink), lines }
}

test('10,000 rule changes write O(changes) bytes: each persist appends one rule, not the catalog', async (t) => {
  const stateDir = await tempStateDir(t)
  const { fs, counts } = countingFs()
  const catalog = new Catalog(stateDir, { fs })
  await catalog.load()
  catalog.buses.set('default', bus('default'))
  await catalog.persist()
  const oneRuleBytes = Buffer.byteLength(JSON.stringify(rule('default', 'rule-00000'))) + 64
  const before = counts.bytesWritten
  for (let i = 0; i < 10_000; i++) {
    const name = `rule-${String(i).padStart(5, '0')}`
    catalog.rules.set(ruleKey('default', name), rule('default', name))
    await catalog.persist()
  }
  const written = counts.bytesWritten - before
  // the old whole-file rewrite wrote ~n²/2 rules here: about 5,000 times this bound
  assert.ok(written <= 10_000 * oneRuleBytes, `${written} bytes for 10,000 changes of ~${oneRuleBytes} bytes`)
  await catalog.close()
  const again = await reload(stateDir)
  assert.equal(again.rules.size, 10_000)
  await again.close()
})

test('changes made in place to a definition handed out by the catalog are persisted', async (t) => {
  const stateDir = await tempStateDir(t)
  const catalog = await reload(stateDir)
  catalog.buses.set('default', bus('default'))
  catalog.rules.set(ruleKey('default', 'r'), rule('default', 'r'))
  const replay: ReplayDefinition = { name: 'rp', arn: 'arn:rp', archiveName: 'a', eventSourceArn: 'arn:b', destination: { Arn: 'arn:b' }, eventStartTime: 0, eventEndTime: 1, state: 'STARTING', replayStartTime: 0, cursor: 0, endOffset: 10 }
  catalog.replays.set('rp', replay)
  await catalog.persist()
  // the way API handlers change a rule: look it up, change it, persist
  catalog.rule('default', 'r')!.state = 'DISABLED'
  await catalog.persist()
  catalog.rules.get(ruleKey('default', 'r'))!.targets = [{ Id: 't', Arn: 'arn:q' }]
  await catalog.persist()
  // the way the replay runner advances a replay it has held since it started
  replay.state = 'RUNNING'
  replay.cursor = 7
  await catalog.persist()
  await catalog.close()
  const again = await reload(stateDir)
  assert.equal(again.rule('default', 'r')!.state, 'DISABLED')
  assert.deepEqual(again.rule('default', 'r')!.targets, [{ Id: 't', Arn: 'arn:q' }])
  assert.equal(again.replays.get('rp')!.state, 'RUNNING')
  assert.equal(again.replays.get('rp')!.cursor, 7)
  await again.close()
})

test('deletes persist, and a persist with nothing changed writes nothing', async (t) => {
  const stateDir = await tempStateDir(t)
  const { fs, counts } = countingFs()
  const catalog = new Catalog(stateDir, { fs })
  await catalog.load()
  catalog.buses.set('b', bus('b'))
  catalog.rules.set(ruleKey('b', 'r'), rule('b', 'r'))
  await catalog.persist()
  const before = counts.bytesWritten
  await catalog.persist()
  assert.equal(counts.bytesWritten, before)
  catalog.rules.delete(ruleKey('b', 'r'))
  catalog.buses.delete('b')
  await catalog.persist()
  await catalog.close()
  const again = await reload(stateDir)
  assert.equal(again.buses.size, 0)
  assert.equal(again.rules.size, 0)
  await again.close()
})

test('names of any length and characters persist and reload: 256 characters, unicode, path-like', async (t) => {
  const stateDir = await tempStateDir(t)
  const names = ['b'.repeat(256), 'bús/日本/🚀', '../../etc/passwd', 'a\u0000b']
  const catalog = await reload(stateDir)
  for (const name of names) {
    catalog.buses.set(name, bus(name))
    catalog.rules.set(ruleKey(name, name), rule(name, name))
  }
  await catalog.persist()
  await catalog.close()
  const again = await reload(stateDir)
  assert.deepEqual([...again.buses.keys()], names)
  for (const name of names) assert.equal(again.rule(name, name)!.name, name)
  assert.deepEqual(await readdir(stateDir), [CATALOG_JOURNAL_FILE], 'no name became a file name')
  await again.close()
})

test('one definition that does not parse is logged with its key and skipped; the rest loads', async (t) => {
  const stateDir = await tempStateDir(t)
  const catalog = await reload(stateDir)
  catalog.buses.set('good', bus('good'))
  await catalog.persist()
  await catalog.close()
  await appendFile(join(stateDir, CATALOG_JOURNAL_FILE), encodeFrame([{ key: '["rule","good\\u0000bad"]', value: Buffer.from('{"name": tru') }]).bytes)
  const { logger, lines } = capture()
  const again = await reload(stateDir, logger)
  assert.deepEqual([...again.buses.keys()], ['good'])
  assert.equal(again.rules.size, 0)
  assert.ok(lines.some(l => l.key === '["rule","good\\u0000bad"]' && l.level === 50), 'the bad key is logged as an error')
  await again.close()
})

test('a catalog.json written by the previous version is migrated once, keeping every definition that parses', async (t) => {
  const stateDir = await tempStateDir(t)
  await mkdir(stateDir, { recursive: true })
  const old: CatalogData = {
    version: 1,
    buses: [bus('default'), bus('orders')],
    rules: [rule('orders', 'r1', { targets: [{ Id: 't', Arn: 'arn:q' }] }), { bogus: true } as unknown as RuleDefinition],
    archives: [{ name: 'arch', arn: 'arn:a', sourceBusName: 'orders', eventSourceArn: 'arn:b', retentionDays: 0, state: 'ENABLED', createdAt: 1 }],
    replays: [],
    connections: [],
    apiDestinations: [],
  }
  await writeFile(join(stateDir, LEGACY_CATALOG_FILE), JSON.stringify(old))
  const { logger, lines } = capture()
  const first = await reload(stateDir, logger)
  assert.deepEqual([...first.buses.keys()], ['default', 'orders'])
  assert.deepEqual(first.rule('orders', 'r1')!.targets, [{ Id: 't', Arn: 'arn:q' }])
  assert.equal(first.archives.get('arch')!.sourceBusName, 'orders')
  assert.ok(lines.some(l => l.kind === 'rule'), 'the bad rule is logged')
  await first.close()
  assert.deepEqual(await readdir(stateDir), [CATALOG_JOURNAL_FILE], 'catalog.json is gone once migrated')
  const again = await reload(stateDir)
  assert.deepEqual([...again.buses.keys()], ['default', 'orders'])
  assert.equal(again.rules.size, 1)
  await again.close()
})

test('a catalog.json that is not JSON is set aside and the catalog starts', async (t) => {
  const stateDir = await tempStateDir(t)
  await mkdir(stateDir, { recursive: true })
  await writeFile(join(stateDir, LEGACY_CATALOG_FILE), '{"version":1,"buses":[{"na')
  const catalog = await reload(stateDir)
  assert.equal(catalog.buses.size, 0)
  await catalog.close()
  assert.deepEqual((await readdir(stateDir)).sort(), [CATALOG_JOURNAL_FILE, `${LEGACY_CATALOG_FILE}.unreadable`])
})

test('a persist with nothing new still waits for an earlier persist that carries a change to become durable', async (t) => {
  const stateDir = await tempStateDir(t)
  const { fs: base } = countingFs()
  let hold = false
  const held: Array<() => void> = []
  // while `hold` is set, fsyncs of the journal wait until the test releases them
  const fs: FileSystem = {
    ...base,
    open: async (path, create) => {
      const fh = await base.open(path, create)
      return { ...fh, sync: async () => { if (hold) await new Promise<void>(resolve => held.push(resolve)); await fh.sync() } }
    },
  }
  const catalog = new Catalog(stateDir, { fs })
  await catalog.load()
  hold = true
  catalog.rules.set(ruleKey('default', 'mine'), rule('default', 'mine'))
  const first = catalog.persist()
  let secondDone = false
  // the caller that set 'mine' may be this one: its persist finds nothing new, the change being in the first write
  const second = catalog.persist().then(() => { secondDone = true })
  while (held.length === 0) await new Promise(setImmediate)
  assert.equal(secondDone, false, 'not answered before the change is durable')
  hold = false
  held.shift()!()
  await Promise.all([first, second])
  assert.equal(secondDone, true)
  await catalog.close()
})
