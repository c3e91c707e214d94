// The recovery checkpoint's writer (src/log/recovery-checkpoint.ts) with thousands of
// partitions: it must not hold the event loop for the whole checkpoint, must write
// the same file a one-shot encode would, and must skip a write when nothing changed.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { MemoryFs } from '../../src/log/fs-memory.js'
import { readRecoveryCheckpoint, RECOVERY_CHECKPOINT_FILE, RecoveryCheckpointWriter } from '../../src/log/recovery-checkpoint.js'
import type { CheckpointSource } from '../../src/log/recovery-checkpoint.js'
import { decodeShutdownFacts, encodeShutdownFacts } from '../../src/log/shutdown-facts.js'
import type { PartitionFacts } from '../../src/log/partition-types.js'

const dir = '/data'
async function memoryFs (): Promise<MemoryFs> {
  const fs = new MemoryFs()
  await fs.mkdir(dir)
  return fs
}
const factsOf = (end: number): PartitionFacts => ({ logStartOffset: 0, logEndOffset: end, sizeInBytes: end * 70, segmentCount: 1, producers: null, activeBaseOffset: 0, activeSize: end * 70 })

/** Topics of `perTopic` partitions each, whose facts the test changes through `ends`. */
function topics (count: number, perTopic: number): { sources: CheckpointSource[], ends: number[][] } {
  const ends = Array.from({ length: count }, () => Array.from({ length: perTopic }, () => 1))
  const sources = ends.map((list, t): CheckpointSource => ({
    topicId: `topic-id-${t}`,
    facts: () => list.map((end, p) => p === 3 ? null : factsOf(end)),
  }))
  return { sources, ends }
}

test('a checkpoint of 10,000 partitions lets other work run on the event loop while its facts are taken', async () => {
  const { sources } = topics(10, 1000)
  let otherWorkRan = false
  let ranBeforeLastTopic: boolean | null = null
  const watched = sources.map((s, t) => t < sources.length - 1 ? s : { ...s, facts: () => { ranBeforeLastTopic = otherWorkRan; return s.facts() } })
  const writer = new RecoveryCheckpointWriter(await memoryFs(), dir, () => watched, () => 1)
  const written = writer.request()
  setImmediate(() => { otherWorkRan = true })
  await written
  assert.equal(ranBeforeLastTopic, true, 'work queued after the request ran before the last topic was taken')
})

test('the checkpoint file says what a one-shot encode of the same facts says, and nulls stay null', async () => {
  const fs = await memoryFs()
  const { sources, ends } = topics(3, 5)
  ends[1]![2] = 42
  const writer = new RecoveryCheckpointWriter(fs, dir, () => sources, () => 7)
  await writer.request()
  const expected = decodeShutdownFacts(Buffer.from(encodeShutdownFacts(7, Object.fromEntries(sources.map(s => [s.topicId, s.facts()])))))
  assert.deepEqual(await readRecoveryCheckpoint(fs, dir), expected)
  assert.equal(expected.get('topic-id-1')?.[2]?.logEndOffset, 42)
  assert.equal(expected.get('topic-id-0')?.[3], null)
})

test('an unchanged checkpoint is not written again; a change in one partition among thousands is', async () => {
  const fs = await memoryFs()
  const { sources, ends } = topics(4, 1000)
  const writer = new RecoveryCheckpointWriter(fs, dir, () => sources, () => 1)
  await writer.request()
  const path = `${dir}/${RECOVERY_CHECKPOINT_FILE}`
  await fs.unlink(path)
  await writer.request()
  assert.equal(await fs.readFile(path), null, 'nothing changed, nothing written')
  ends[2]![999] = 5
  await writer.request()
  assert.equal((await readRecoveryCheckpoint(fs, dir)).get('topic-id-2')?.[999]?.logEndOffset, 5)
  assert.equal((await readRecoveryCheckpoint(fs, dir)).get('topic-id-2')?.[998]?.logEndOffset, 1)
})
