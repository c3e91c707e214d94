// Where each bus's dispatcher commits its cursor and retry queue: one key per
// bus name in a journal (src/log/journal.ts) at <dataDir>/__bus/delivery.journal,
// so no bus name ever becomes a file name, whatever its length or characters.
// Before the journal each bus had <dataDir>/__bus/delivery/<name>.json; those
// files are read once at open and migrated.
import { join } from 'node:path'
import type { Logger } from 'pino'
import { Journal } from '../../log/journal.js'
import type { FileSystem } from '../../log/fs.js'
import type { RetryEntry } from './dispatcher.js'

export interface DeliveryState { cursor: number, retries: RetryEntry[] }

/**
 * Where dispatchers commit their cursor and retry queue, one key per dispatcher:
 * this journal (embedded), or a compacted topic (src/bus/cluster, bus workers on a Kafka cluster).
 */
export interface DeliveryStateStore {
  open (): Promise<void>
  /** The state last committed under `key`, as known when the store was opened (or refreshed). */
  saved (key: string): DeliveryState | undefined
  /** Commits the state; resolves once durable. */
  save (key: string, state: DeliveryState): Promise<void>
  forget (key: string): Promise<void>
  close (): Promise<void>
}

export const DELIVERY_JOURNAL_FILE = 'delivery.journal'
const LEGACY_DIR = 'delivery'

export function parseDeliveryState (text: string): DeliveryState | undefined {
  try {
    const value = JSON.parse(text) as Partial<DeliveryState> | null
    if (typeof value?.cursor !== 'number' || !Array.isArray(value.retries)) return undefined
    return { cursor: value.cursor, retries: value.retries }
  } catch {
    return undefined
  }
}

export class DeliveryStore implements DeliveryStateStore {
  private readonly journal: Journal
  private readonly loaded = new Map<string, DeliveryState>()

  constructor (private readonly stateDir: string, private readonly options: { fs?: FileSystem, logger?: Logger } = {}) {
    this.journal = new Journal({ dir: stateDir, name: DELIVERY_JOURNAL_FILE, fs: options.fs })
  }

  /** Loads every bus's committed state; one that does not parse is logged with its bus and skipped (delivery restarts at 0). */
  async open (): Promise<void> {
    const recovery = await this.journal.open()
    this.loaded.clear()
    for (const [bus, value] of recovery.entries) {
      const state = parseDeliveryState(value.toString('utf8'))
      if (state === undefined) this.options.logger?.error({ bus }, 'skipping a delivery cursor that does not parse')
      else this.loaded.set(bus, state)
    }
    await this.migrateLegacy(recovery.bytes === 0)
  }

  /** The state committed for `busName` when the store was opened. */
  saved (busName: string): DeliveryState | undefined {
    return this.loaded.get(busName)
  }

  /** Commits a bus's state; resolves once durable. */
  save (busName: string, state: DeliveryState): Promise<void> {
    return this.journal.put(busName, Buffer.from(JSON.stringify(state)))
  }

  /** Forgets a deleted bus's state; resolves once durable. */
  async forget (busName: string): Promise<void> {
    this.loaded.delete(busName)
    if (this.journal.has(busName)) await this.journal.delete(busName)
  }

  close (): Promise<void> { return this.journal.close() }

  /** Moves <stateDir>/delivery/<bus>.json files into the journal (one atomic write), then removes them. */
  private async migrateLegacy (journalIsEmpty: boolean): Promise<void> {
    const fs = this.journal.fs
    const dir = join(this.stateDir, LEGACY_DIR)
    const names = (await fs.readdir(dir)).filter(n => n.endsWith('.json'))
    if (journalIsEmpty && names.length > 0) {
      const ops = []
      for (const name of names) {
        const bus = name.slice(0, -'.json'.length)
        const raw = await fs.readFile(join(dir, name))
        const state = raw === null ? undefined : parseDeliveryState(raw.toString('utf8'))
        if (state === undefined) {
          this.options.logger?.error({ bus, file: name }, 'skipping an old delivery cursor file that does not parse')
          continue
        }
        this.loaded.set(bus, state)
        ops.push({ key: bus, value: Buffer.from(JSON.stringify(state)) })
      }
      await this.journal.write(ops)
    }
    if (await fs.exists(dir)) {
      await fs.removeDir(dir)
      await fs.syncDir(this.stateDir)
    }
  }
}

/**
 * Serialises commits of one bus's state and coalesces bursts: callers await the
 * write that includes their change, and at most one write waits behind the running one.
 */
export class CoalescingCommit {
  private running: Promise<void> | null = null
  private pending: Promise<void> | null = null

  constructor (private readonly commit: () => Promise<void>) {}

  write (): Promise<void> {
    if (this.pending !== null) return this.pending
    if (this.running === null) return (this.running = this.run())
    const after = this.running
    this.pending = after.catch(() => {}).then(() => {
      this.pending = null
      return (this.running = this.run())
    })
    return this.pending
  }

  private async run (): Promise<void> {
    try {
      await this.commit()
    } finally {
      this.running = null
    }
  }
}
