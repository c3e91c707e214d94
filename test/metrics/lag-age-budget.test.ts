// A scrape after every consumer committed reads at most a bounded number of
// batches for lag ages; the rest keep the age of the record they last read
// (erring high, never low) and are refreshed first at the next scrape.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { encodeBatch } from '../../src/protocol/records/batch-codec.js'
import { startTributary } from './tributary-harness.js'
import { systemClock } from '../../src/broker/groups/clock.js'
import { sampleValue, type Family } from './prometheus-text.js'

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0)
const PARTITIONS = 250 // more than the 200 moved ages read per scrape

test('moved lag ages beyond the per-scrape read budget keep their older age until the next scrape refreshes them', async () => {
  const t = await startTributary({ clock: systemClock(() => NOW) })
  try {
    const { log, groups } = t.app.components
    await log.createTopic('events', PARTITIONS)
    for (let p = 0; p < PARTITIONS; p++) {
      await log.partition('events', p)!.append(encodeBatch([{ value: Buffer.from('a'), timestamp: NOW - 100_000 }, { value: Buffer.from('b'), timestamp: NOW - 50_000 }, { value: Buffer.from('c'), timestamp: NOW }]))
    }
    const commit = (offset: number): Promise<unknown> => groups.commitOffsets({
      groupId: 'g',
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      retentionTimeMs: -1,
      topics: [{ name: 'events', partitions: Array.from({ length: PARTITIONS }, (_, p) => ({ partitionIndex: p, committedOffset: BigInt(offset), committedMetadata: null })) }]
    })
    const ages = (m: Map<string, Family>): number[] => Array.from({ length: PARTITIONS }, (_, p) => sampleValue(m, 'kafka_consumergroup_lag_seconds', { consumergroup: 'g', topic: 'events', partition: String(p) }) ?? NaN)
    const count = (values: number[], v: number): number => values.filter(x => x === v).length

    await commit(0)
    assert.equal(count(ages(await t.scrape()), 100), PARTITIONS, 'first seen: every age is read')
    await commit(1)
    const afterMove = ages(await t.scrape())
    assert.equal(count(afterMove, 50), 200, '200 moved ages read anew')
    assert.equal(count(afterMove, 100), PARTITIONS - 200, 'the rest keep the older record\'s age')
    assert.equal(count(ages(await t.scrape()), 50), PARTITIONS, 'the next scrape refreshes the rest first')
  } finally {
    await t.close()
  }
})
