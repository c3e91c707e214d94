// Replays: read an archive's topic from the replay's cursor up to the end it
// had when the replay started, and append the events whose `time` falls in
// [EventStartTime, EventEndTime) to the source bus, marked with `replay-name`
// (in the event) and a record header (so the dispatcher applies FilterArns
// and does not archive them again). Progress is persisted after each chunk,
// so a restart resumes a RUNNING replay where it was.
import type { Logger } from 'pino'
import type { Catalog } from './catalog.js'
import { ReplayState, type EventEnvelope, type ReplayDefinition } from './model.js'
import { archiveTopic, busTopic, type BusStorage } from './storage.js'
import { BusHeader } from './targets/dispatcher.js'
import { BusError } from './errors.js'
import { TributaryErrorCode } from '../errors.js'

export const MAX_ACTIVE_REPLAYS = 10
const CHUNK_BYTES = 512 * 1024

export class ReplayRunner {
  private readonly running = new Map<string, Promise<void>>()
  private closed = false

  constructor (private readonly catalog: Catalog, private readonly storage: BusStorage, private readonly logger?: Logger) {}

  activeCount (): number {
    let n = 0
    for (const r of this.catalog.replays.values()) {
      if (r.state === ReplayState.starting || r.state === ReplayState.running || r.state === ReplayState.cancelling) n++
    }
    return n
  }

  /** Starts (or resumes after a restart) every replay not yet finished. */
  resumeAll (): void {
    for (const replay of this.catalog.replays.values()) {
      if (replay.state === ReplayState.cancelling) {
        replay.state = ReplayState.cancelled
        replay.replayEndTime = Date.now()
        this.catalog.persist().catch(err => this.logger?.error({ err, replay: replay.name }, 'could not persist a cancelled replay'))
      } else if (replay.state === ReplayState.starting || replay.state === ReplayState.running) {
        this.start(replay)
      }
    }
  }

  start (replay: ReplayDefinition): void {
    if (this.closed || this.running.has(replay.name)) return
    const run = this.run(replay).catch(async err => {
      this.logger?.error({ err, replay: replay.name }, 'replay failed')
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

  private async run (replay: ReplayDefinition): Promise<void> {
    const archive = this.catalog.archives.get(replay.archiveName)
    if (!archive) throw new BusError(TributaryErrorCode.BUS_ARCHIVE_MISSING, `Archive ${replay.archiveName} does not exist.`)
    const source = archiveTopic(archive.name)
    const destination = busTopic(archive.sourceBusName)
    if (replay.state === ReplayState.starting) {
      replay.state = ReplayState.running
      await this.catalog.persist()
    }
    const retentionFloor = archive.retentionDays > 0 ? Date.now() - archive.retentionDays * 86_400_000 : 0
    while (replay.cursor < replay.endOffset) {
      if (this.closed) return // resumed on the next start
      if (replay.state === ReplayState.cancelling) {
        replay.state = ReplayState.cancelled
        replay.replayEndTime = Date.now()
        await this.catalog.persist()
        return
      }
      const { records, nextOffset } = await this.storage.read(source, replay.cursor, CHUNK_BYTES)
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
      // By each event's key: on a multi-partition bus topic (cluster mode) the replay spreads over every worker.
      if (out.length > 0) await this.storage.appendByKey(destination, out)
      replay.cursor = Math.min(nextOffset, replay.endOffset)
      if (lastTime !== undefined) replay.eventLastReplayedTime = lastTime
      await this.catalog.persist()
    }
    // A cancellation that arrived after the last chunk still ends the replay as CANCELLED.
    replay.state = replay.state === ReplayState.cancelling ? ReplayState.cancelled : ReplayState.completed
    replay.replayEndTime = Date.now()
    await this.catalog.persist()
  }
}
