// Replays: read an archive's topic from the replay's cursor up to the end it
// had when the replay started, and append the events whose `time` falls in
// [EventStartTime, EventEndTime) to the source bus, marked with `replay-name`
// (in the event) and a record header (so the dispatcher applies FilterArns
// and does not archive them again). Progress is persisted after each chunk,
// so a restart resumes a RUNNING replay where it was. On a cluster one worker
// runs a replay: the one delivering partition 0 of its bus (as scheduled rules
// fire there); it stops when that partition moves, and the next holder resumes
// from the progress last written (a chunk may be replayed twice around it).
import type { Logger } from 'pino'
import type { Catalog } from './catalog.js'
import { ReplayState, type EventEnvelope, type ReplayDefinition } from './model.js'
import { archiveTopic, busTopic, type BusStorage } from './storage.js'
import { BusHeader } from './targets/dispatcher.js'
import { BusError } from './errors.js'
import { TributaryErrorCode } from '../errors.js'

export const MAX_ACTIVE_REPLAYS = 10
/** What one replay step reads of the archive (at least one record batch): the progress recorded after each. */
export const DEFAULT_REPLAY_CHUNK_BYTES = 512 * 1024

export class ReplayRunner {
  private readonly running = new Map<string, Promise<void>>()
  /** Replays asked to stop (their bus's partition 0 moved to another worker): they end after their chunk. */
  private readonly stopping = new Set<string>()
  private closed = false

  /**
   * @param checkHolder on a cluster: throws TRIB_ERR_BUS_DELIVERY_FENCED unless this
   * process still holds partition 0 of the bus (GroupOffsetsState.checkLease), asked
   * before each chunk is appended, so a holder that stalled past its session timeout
   * appends no chunk its successor also replays, and records no progress.
   */
  constructor (private readonly catalog: Catalog, private readonly storage: BusStorage, private readonly logger?: Logger,
    private readonly checkHolder?: (busName: string) => Promise<void>, private readonly chunkBytes = DEFAULT_REPLAY_CHUNK_BYTES) {}

  activeCount (): number {
    let n = 0
    for (const r of this.catalog.replays.values()) {
      if (r.state === ReplayState.starting || r.state === ReplayState.running || r.state === ReplayState.cancelling) n++
    }
    return n
  }

  /** Starts (or resumes after a restart) every replay not yet finished, or only those of `busName`. */
  resumeAll (busName?: string): void {
    for (const replay of this.catalog.replays.values()) {
      if (busName !== undefined && this.busOf(replay) !== busName) continue
      if (replay.state === ReplayState.cancelling && !this.running.has(replay.name)) {
        replay.state = ReplayState.cancelled
        replay.replayEndTime = Date.now()
        this.catalog.persist().catch(err => this.logger?.error({ err, replay: replay.name }, 'could not persist a cancelled replay'))
      } else if (replay.state === ReplayState.starting || replay.state === ReplayState.running) {
        this.start(replay)
      }
    }
  }

  /** Stops the replays of `busName` running here (their progress is written); resolves when they have stopped. */
  async stopAll (busName: string): Promise<void> {
    const names = [...this.running.keys()].filter(name => {
      const replay = this.catalog.replays.get(name)
      return replay !== undefined && this.busOf(replay) === busName
    })
    for (const name of names) this.stopping.add(name)
    await Promise.all(names.map(async name => await this.running.get(name)))
    for (const name of names) this.stopping.delete(name)
  }

  /**
   * On a cluster a change made through another worker (a cancellation) replaces
   * the definition object; its copy may not have seen all our progress yet.
   */
  private latest (replay: ReplayDefinition): ReplayDefinition {
    const current = this.catalog.replays.get(replay.name)
    if (current === undefined || current === replay) return replay
    if (replay.cursor > current.cursor) {
      current.cursor = replay.cursor
      current.eventLastReplayedTime = replay.eventLastReplayedTime
    }
    return current
  }

  /** The bus a replay appends to: its archive's source bus (replays cannot cross buses). */
  busOf (replay: ReplayDefinition): string | undefined {
    return this.catalog.archives.get(replay.archiveName)?.sourceBusName
  }

  start (replay: ReplayDefinition): void {
    if (this.closed || this.running.has(replay.name)) return
    this.logger?.info({ replay: replay.name }, `running replay ${replay.name}`)
    const run = this.run(replay).catch(async err => {
      this.logger?.error({ err, replay: replay.name }, 'replay failed')
      replay = this.latest(replay)
      replay.state = ReplayState.failed
      replay.stateReason = (err as Error).message
      replay.replayEndTime = Date.now()
      await this.catalog.persist().catch(() => {})
    }).finally(() => this.running.delete(replay.name))
    this.running.set(replay.name, run)
  }

  /** Resolves when the named replay is no longer running (for tests and shutdown). */
  async settled (name: string): Promise<void> {
    await this.running.get(name)
  }

  async close (): Promise<void> {
    this.closed = true
    await Promise.all(this.running.values())
  }

  private async run (started: ReplayDefinition): Promise<void> {
    let replay = started
    const archive = this.catalog.archives.get(replay.archiveName)
    if (!archive) throw new BusError(TributaryErrorCode.BUS_ARCHIVE_MISSING, `Archive ${replay.archiveName} does not exist.`)
    const source = archiveTopic(archive.name)
    const destination = busTopic(archive.sourceBusName)
    if (replay.state === ReplayState.starting) {
      replay.state = ReplayState.running
      await this.catalog.persist()
    }
    // On a cluster other workers appended to the archive: learn its end, or a read stops at what this one saw.
    await this.storage.endOffset(source)
    const retentionFloor = archive.retentionDays > 0 ? Date.now() - archive.retentionDays * 86_400_000 : 0
    while (replay.cursor < replay.endOffset) {
      if (this.closed || this.stopping.has(replay.name)) return // resumed on the next start, or by the next holder
      replay = this.latest(replay)
      if (replay.state === ReplayState.cancelling) {
        replay.state = ReplayState.cancelled
        replay.replayEndTime = Date.now()
        await this.catalog.persist()
        return
      }
      const { records, nextOffset } = await this.storage.read(source, replay.cursor, this.chunkBytes)
      if (nextOffset <= replay.cursor) break
      const out: Array<{ key: string, value: string, headers: Array<{ key: string, value: string }> }> = []
      let lastTime: number | undefined
      for (const record of records) {
        if (record.offset >= replay.endOffset || record.value === null || record.timestamp < retentionFloor) continue
        const event = JSON.parse(record.value.toString('utf8')) as EventEnvelope
        const time = Date.parse(event.time)
        if (!(time >= replay.eventStartTime && time < replay.eventEndTime)) continue
        event['replay-name'] = replay.name
        out.push({ key: event.id, value: JSON.stringify(event), headers: [{ key: BusHeader.replay, value: replay.name }] })
        lastTime = Math.max(lastTime ?? 0, time)
      }
      if (this.checkHolder !== undefined) {
        try {
          await this.checkHolder(archive.sourceBusName)
        } catch (err) {
          if (!(err instanceof BusError) || err.code !== TributaryErrorCode.BUS_DELIVERY_FENCED) throw err
          this.logger?.warn({ replay: replay.name }, `replay ${replay.name}: not appending: this worker no longer holds partition 0 of ${archive.sourceBusName}`)
          return // the next holder resumes it from the progress last recorded
        }
      }
      // By each event's key: on a multi-partition bus topic (cluster mode) the replay spreads over every worker.
      if (out.length > 0) await this.storage.appendByKey(destination, out)
      // Our own progress coming back from the definitions topic may have replaced the
      // catalog's object meanwhile: record on the current one, or this chunk's end is not written.
      replay = this.latest(replay)
      replay.cursor = Math.min(nextOffset, replay.endOffset)
      if (lastTime !== undefined) replay.eventLastReplayedTime = lastTime
      await this.catalog.persist()
    }
    // A cancellation that arrived after the last chunk still ends the replay as CANCELLED.
    replay = this.latest(replay)
    replay.state = replay.state === ReplayState.cancelling ? ReplayState.cancelled : ReplayState.completed
    replay.replayEndTime = Date.now()
    await this.catalog.persist()
  }
}
