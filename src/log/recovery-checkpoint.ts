// The recovery checkpoint: one file in the data directory with what a start after a
// crash needs to serve each partition without recovering it, so a restart after
// kill -9 costs the partitions written since the last checkpoint, not all of them.
//
// It holds the same facts a clean close writes (shutdown-facts.ts), taken while
// running for every partition not failed and whose log start is not moving
// (PartitionLog.recoveryFacts) among those whose written bytes were all fsynced
// (partitions written without an fsync of their own, acks=0/1, are fsynced first,
// a few at a time, each on its own file: no syncfs of the whole file system). The file is written atomically (fsync,
// rename, fsync of the directory) in the background, and again, before its files
// change, whenever a partition's log start is about to move.
//
// A checkpoint is stale by nature: appends after it are found at start by
// comparing the recorded size of each partition's last segment with the file (a
// torn tail changes the size too), and a roll since is found by the new segment's
// file. A partition that fails either check is recovered from its files as before.
import { join, sep } from 'node:path'
import type { FileSystem } from './fs.js'
import { traceBackground, traceBackgroundSync } from './background-trace.js'
import { segmentFileName } from './segment.js'
import { decodeShutdownFacts, encodeShutdownFactsText } from './shutdown-facts.js'
import type { ShutdownFacts } from './shutdown-facts.js'
import type { PartitionFacts } from './partition-types.js'

export const RECOVERY_CHECKPOINT_FILE = '.recovery-checkpoint'

/** One topic as the checkpoint sees it: where its files are and what each partition can vouch for now. */
export interface CheckpointSource {
  topicId: string
  facts: () => Array<PartitionFacts | null>
  /** fsyncs the partitions with written but not yet fsynced bytes, so that their facts can be vouched for. */
  flush?: () => Promise<void>
}

/** Partitions encoded between two yields to the event loop: a slice of a few ms, not one stall per checkpoint. */
const PARTITIONS_PER_SLICE = 1000

/** One partition's facts as last encoded, and their text. */
interface Encoded { facts: PartitionFacts | null, text: string }

/** Whether two facts say the same (dormant partitions hand back the very same object). */
function sameFacts (a: PartitionFacts | null, b: PartitionFacts | null): boolean {
  if (a === b) return true
  if (a === null || b === null) return false
  return a.logEndOffset === b.logEndOffset && a.activeSize === b.activeSize && a.logStartOffset === b.logStartOffset &&
    a.sizeInBytes === b.sizeInBytes && a.segmentCount === b.segmentCount && a.activeBaseOffset === b.activeBaseOffset && a.producers === b.producers
}

/**
 * Writes the checkpoint on request; requests made while a write runs share the
 * next write, which takes its facts when it starts (so after every request made before it).
 *
 * With thousands of partitions, taking and encoding every partition's facts at once
 * held the event loop for tens of ms every few seconds (a produce-ack tail). So the
 * writer re-encodes only partitions whose facts changed since the last write, and
 * yields between slices of partitions. Facts taken a slice apart are still each
 * true of their own partition when taken, which is all the start-up check needs;
 * a partition whose log start is about to move waits for the write after this one.
 */
export class RecoveryCheckpointWriter {
  private running: Promise<void> | null = null
  private next: Promise<void> | null = null
  /** Per topic id, the partitions' facts as the last durable write encoded them. */
  private written = new Map<string, Encoded[]>()

  constructor (
    private readonly fs: FileSystem,
    private readonly dataDir: string,
    private readonly sources: () => CheckpointSource[],
    private readonly now: () => number
  ) {}

  /** Resolves once a write that took its facts after this call is durable. */
  request (): Promise<void> {
    this.next ??= (this.running ?? Promise.resolve()).catch(() => undefined).then(() => {
      this.next = null
      this.running = this.writeOnce()
      return this.running
    })
    return this.next
  }

  /** Waits for any write under way (close). */
  async settled (): Promise<void> {
    await (this.next ?? this.running ?? Promise.resolve()).catch(() => undefined)
  }

  /** Every topic's partitions, encoded (reusing the last text of unchanged ones); `changed` if any differs from the last write. */
  private async collect (): Promise<{ topics: Map<string, Encoded[]>, changed: boolean }> {
    const topics = new Map<string, Encoded[]>()
    let changed = false
    let sinceYield = 0
    for (const source of this.sources()) {
      const facts = traceBackgroundSync('checkpoint-collect', () => source.facts())
      const before = this.written.get(source.topicId)
      if (before === undefined || before.length !== facts.length) changed = true
      const encoded = facts.map((f, p): Encoded => {
        const old = before?.[p]
        if (old !== undefined && sameFacts(old.facts, f)) return old
        changed = true
        return { facts: f, text: JSON.stringify(f) }
      })
      topics.set(source.topicId, encoded)
      sinceYield += facts.length
      if (sinceYield >= PARTITIONS_PER_SLICE) {
        sinceYield = 0
        await new Promise(resolve => setImmediate(resolve))
      }
    }
    if (topics.size !== this.written.size) changed = true
    return { topics, changed }
  }

  private async writeOnce (): Promise<void> {
    // Only what is durable: a partition with written but not yet fsynced bytes
    // (acks=0/1) is fsynced first, as Kafka's log flusher would; one written again
    // before its facts are taken is left out and recovered after a crash, so the
    // cost stays bounded by what was written since the checkpoint.
    // No syncfs here: the only syncfs available is a child process (Node has no
    // binding); spawning one from a busy broker every few seconds costs a fork on
    // its event loop and flushes every file on the file system, other programs'
    // too, while a checkpoint that vouches only for fsynced bytes needs neither.
    // partitions written without an fsync (acks=0/1) are fsynced first, each on its own file
    for (const source of this.sources()) await source.flush?.()
    const { topics, changed } = await this.collect()
    // the time stamp aside, an unchanged checkpoint is not written again
    if (!changed) return
    const text = encodeShutdownFactsText(this.now(), [...topics].map(([id, list]) => [id, list.map(e => e.text)]))
    await traceBackground('recovery-checkpoint', () => this.fs.writeFileAtomic(join(this.dataDir, RECOVERY_CHECKPOINT_FILE), text))
    this.written = topics
  }
}

/** The checkpoint's facts, or none if there is no (readable) checkpoint. */
export async function readRecoveryCheckpoint (fs: FileSystem, dataDir: string): Promise<ShutdownFacts> {
  const raw = await fs.readFile(join(dataDir, RECOVERY_CHECKPOINT_FILE))
  return raw === null ? new Map() : decodeShutdownFacts(raw)
}

/**
 * Keeps only the facts still true of the files: the last segment has the recorded
 * size and no segment was rolled after it. Everything else is dropped (recovered).
 * `dirOf` names a partition's directory.
 */
export async function verifyAgainstFiles (fs: FileSystem, facts: ShutdownFacts, dirOf: (topicId: string, partition: number) => string | null): Promise<ShutdownFacts> {
  const out: ShutdownFacts = new Map()
  if (fs.fileSizes === undefined) return out
  const checks: Array<{ topicId: string, partition: number, f: PartitionFacts, paths: string[] }> = []
  for (const [topicId, list] of facts) {
    list.forEach((f, partition) => {
      const dir = dirOf(topicId, partition)
      if (f === null || dir === null || f.activeBaseOffset === undefined || f.activeSize === undefined) return
      // `dir` is already a joined path and a segment's name has no separator: concatenated, not join()ed (the
      // normalizing of 20,000 paths was a sixth of this function's time at 10,000 partitions, CPU profile)
      const paths = [dir + sep + segmentFileName(f.activeBaseOffset, '.log')]
      // a roll since the checkpoint starts a segment at the recorded log end
      if (f.logEndOffset !== f.activeBaseOffset) paths.push(dir + sep + segmentFileName(f.logEndOffset, '.log'))
      checks.push({ topicId, partition, f, paths })
    })
  }
  const sizes = await fs.fileSizes(checks.flatMap(c => c.paths))
  let i = 0
  for (const c of checks) {
    const activeSize = sizes[i++]
    const rolled = c.paths.length > 1 ? sizes[i++] !== null : false
    if (activeSize !== c.f.activeSize || rolled) continue
    let list = out.get(c.topicId)
    if (list === undefined) out.set(c.topicId, list = [])
    list[c.partition] = c.f
  }
  return out
}
