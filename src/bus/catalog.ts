// The bus's definitions (buses, rules with their targets, archives, replays,
// connections, API destinations), kept in memory and persisted in a journal
// (./catalog-store.ts explains how persist() finds what changed). Every change
// goes through one of the methods below, which check that the change makes
// sense, apply it, tell the running bus (CatalogRuntime) and await persist()
// before resolving, so an acknowledged change survives a crash. A change that
// fails anywhere after its checks (the runtime refused it, the topic could not
// be created, the write failed) is rolled back in memory and in the runtime:
// nothing half-made stays behind.
import { join } from 'node:path'
import type { Logger } from 'pino'
import { Journal, type JournalOp } from '../log/journal.js'
import type { FileSystem } from '../log/fs.js'
import { changedOps, parseJournalKey, TrackedMap } from './catalog-store.js'
import { alreadyExistsError, notFoundError } from './errors.js'
import type {
  ApiDestinationDefinition, ArchiveDefinition, BusDefinition, CatalogData, ConnectionDefinition,
  ReplayDefinition, RuleDefinition,
} from './model.js'
import type { CatalogRuntime, ChangeHooks } from './catalog-runtime.js'

export type { CatalogRuntime } from './catalog-runtime.js'

export const CATALOG_JOURNAL_FILE = 'catalog.journal'
/** The catalog's file before the journal: read once at load and migrated. */
export const LEGACY_CATALOG_FILE = 'catalog.json'

export interface CatalogOptions {
  fs?: FileSystem
  logger?: Logger
  /**
   * Where definitions are kept instead of <stateDir>/catalog.journal: a compacted
   * topic on a Kafka cluster (src/bus/cluster/definitions-topic.ts). No legacy file is migrated then.
   */
  store?: DefinitionStore
}

/** The part of a journal the catalog writes through: keyed definitions, the latest value per key. */
export interface DefinitionStore {
  readonly path: string
  open (): Promise<{ entries: Map<string, Buffer>, bytes: number }>
  write (ops: JournalOp[]): Promise<void>
  close (): Promise<void>
}

export class Catalog {
  readonly buses = new TrackedMap<string, BusDefinition>(true)
  /** Keyed by `${busName}\u0000${ruleName}`; see ruleKey(). */
  readonly rules = new TrackedMap<string, RuleDefinition>()
  readonly archives = new TrackedMap<string, ArchiveDefinition>(true)
  readonly replays = new TrackedMap<string, ReplayDefinition>(true)
  readonly connections = new TrackedMap<string, ConnectionDefinition>(true)
  readonly apiDestinations = new TrackedMap<string, ApiDestinationDefinition>(true)
  readonly path: string
  private readonly journal: DefinitionStore
  private readonly localJournal: Journal | undefined
  /** Journal key -> the JSON last written for it. */
  private readonly written = new Map<string, string>()
  /** The latest write: writes become durable in order, so awaiting it awaits every earlier one. */
  private lastWrite: Promise<void> = Promise.resolve()
  private runtime: CatalogRuntime | undefined
  private logger: Logger | undefined

  constructor (private readonly stateDir: string, private readonly options: CatalogOptions = {}) {
    this.localJournal = options.store === undefined ? new Journal({ dir: stateDir, name: CATALOG_JOURNAL_FILE, fs: options.fs }) : undefined
    this.journal = options.store ?? this.localJournal!
    this.path = this.journal.path
  }

  /** The maps by the kind name their journal keys carry. */
  private kinds (): Array<[string, TrackedMap<string, unknown>]> {
    return [['bus', this.buses], ['rule', this.rules], ['archive', this.archives], ['replay', this.replays], ['connection', this.connections], ['apiDestination', this.apiDestinations]]
  }

  /** Opens the journal and loads every definition; one that does not parse is logged with its key and skipped. */
  async load (): Promise<void> {
    const recovery = await this.journal.open()
    const kinds = new Map(this.kinds())
    for (const [jkey, value] of recovery.entries) {
      const parsed = parseJournalKey(jkey)
      const map = parsed === null ? undefined : kinds.get(parsed[0])
      const definition = map === undefined ? undefined : parseDefinition(value.toString('utf8'))
      if (parsed === null || map === undefined || definition === undefined) {
        this.options.logger?.error({ key: jkey }, 'skipping a bus catalog entry that does not parse')
        continue
      }
      map.set(parsed[1], definition)
      this.written.set(jkey, value.toString('utf8'))
    }
    for (const [, map] of this.kinds()) map.drain()
    if (this.localJournal !== undefined) await this.migrateLegacy(this.localJournal, recovery.bytes === 0)
  }

  /**
   * A definition written by another process (read from the shared definitions
   * topic): applied to the maps and to the running bus, without being written
   * again. Our own writes come back the same way and are recognised by their JSON.
   * Returns false for a key or value that is not a definition (the caller warns).
   */
  async applyRemote (jkey: string, value: Buffer | null): Promise<boolean> {
    const parsed = parseJournalKey(jkey)
    const map = parsed === null ? undefined : new Map(this.kinds()).get(parsed[0])
    if (parsed === null || map === undefined) return false
    const [kind, key] = parsed
    const json = value?.toString('utf8')
    const definition = json === undefined ? undefined : parseDefinition(json)
    if (json !== undefined && definition === undefined) return false
    if (json === this.written.get(jkey)) return true
    const previous = Map.prototype.get.call(map, key) as unknown
    // Recorded as written first, so the next persist finds nothing to write for it.
    if (json === undefined) this.written.delete(jkey)
    else this.written.set(jkey, json)
    if (definition === undefined) map.delete(key)
    else map.set(key, definition)
    await this.remoteRuntime(kind, key, definition, previous)
    return true
  }

  private async remoteRuntime (kind: string, key: string, next: unknown, previous: unknown): Promise<void> {
    const runtime = this.runtime
    if (runtime === undefined) return
    if (kind === 'bus') {
      if (next !== undefined && previous === undefined) await runtime.busCreated(next as BusDefinition)
      else if (next === undefined && previous !== undefined) await runtime.busDeleted(key)
    } else if (kind === 'rule') {
      if (next !== undefined) runtime.ruleChanged(next as RuleDefinition)
      else if (previous !== undefined) runtime.ruleDeleted(previous as RuleDefinition)
    } else if (kind === 'archive') {
      if (next !== undefined) await runtime.archiveChanged(next as ArchiveDefinition, previous as ArchiveDefinition | undefined)
      else if (previous !== undefined) runtime.archiveDeleted(previous as ArchiveDefinition)
    } else if (kind === 'connection') {
      runtime.connectionChanged((next ?? { ...(previous as ConnectionDefinition), state: 'DELETING' }) as ConnectionDefinition)
    } else if (kind === 'replay') {
      // A replay started through another worker: the runtime runs it if it is this
      // worker's to run (the holder of its bus's partition 0); progress written by the
      // one running it only updates the definition here.
      if (next !== undefined && previous === undefined) runtime.replayCreated(next as ReplayDefinition)
    }
  }

  /** Appends the definitions changed since the last persist; resolves once they are durable. */
  persist (): Promise<void> {
    const { ops, retry } = changedOps(this.kinds(), this.written)
    // nothing new, but a change of this caller's may be in an earlier persist's write, still on its way to the disk
    if (ops.length === 0) return this.lastWrite
    const write = this.journal.write(ops).catch(err => {
      retry()
      throw err
    })
    this.lastWrite = write
    return write
  }

  /**
   * Moves a catalog.json written before the journal into it: every definition
   * that parses (the others logged and skipped) is written as one atomic frame,
   * then the file removed. A crash between leaves a non-empty journal, so the
   * next load only removes the file. A file that is not JSON at all is set
   * aside as catalog.json.unreadable for the operator, and the bus starts.
   */
  private async migrateLegacy (journal: Journal, journalIsEmpty: boolean): Promise<void> {
    const fs = journal.fs
    const legacyPath = join(this.stateDir, LEGACY_CATALOG_FILE)
    const raw = await fs.readFile(legacyPath)
    if (raw === null) return
    if (journalIsEmpty) {
      let data: Partial<Record<keyof CatalogData, unknown>>
      try {
        data = JSON.parse(raw.toString('utf8')) as Partial<Record<keyof CatalogData, unknown>>
      } catch (err) {
        this.options.logger?.error({ err, path: legacyPath }, 'the old bus catalog is not JSON; set aside, starting without it')
        await fs.rename(legacyPath, `${legacyPath}.unreadable`)
        await fs.syncDir(this.stateDir)
        return
      }
      const lists: Array<[keyof CatalogData, string, TrackedMap<string, unknown>]> = [
        ['buses', 'bus', this.buses], ['rules', 'rule', this.rules], ['archives', 'archive', this.archives],
        ['replays', 'replay', this.replays], ['connections', 'connection', this.connections], ['apiDestinations', 'apiDestination', this.apiDestinations],
      ]
      for (const [field, kind, map] of lists) {
        const list = Array.isArray(data[field]) ? data[field] as unknown[] : []
        for (const item of list) {
          const definition = parseDefinition(JSON.stringify(item ?? null))
          const busName = (item as { busName?: unknown })?.busName
          if (definition === undefined || (kind === 'rule' && typeof busName !== 'string')) {
            this.options.logger?.error({ kind, item }, 'skipping a definition of the old bus catalog that does not parse')
            continue
          }
          map.set(kind === 'rule' ? ruleKey(busName as string, definition.name) : definition.name, definition)
        }
      }
      await this.persist()
    }
    await fs.unlink(legacyPath)
    await fs.syncDir(this.stateDir)
  }

  /** Makes every persisted change durable and closes the journal. */
  close (): Promise<void> { return this.journal.close() }

  snapshot (): CatalogData {
    return {
      version: 1,
      buses: [...this.buses.values()],
      rules: [...this.rules.values()],
      archives: [...this.archives.values()],
      replays: [...this.replays.values()],
      connections: [...this.connections.values()],
      apiDestinations: [...this.apiDestinations.values()],
    }
  }

  rule (busName: string, ruleName: string): RuleDefinition | undefined {
    return this.rules.get(ruleKey(busName, ruleName))
  }

  rulesOfBus (busName: string): RuleDefinition[] {
    const out: RuleDefinition[] = []
    for (const r of this.rules.values()) if (r.busName === busName) out.push(r)
    return out
  }

  archivesOfBus (busName: string): ArchiveDefinition[] {
    const out: ArchiveDefinition[] = []
    for (const a of this.archives.values()) if (a.sourceBusName === busName) out.push(a)
    return out
  }

  /** Connects the running bus: from now on every change is passed on to it. */
  attach (runtime: CatalogRuntime, logger?: Logger): void {
    this.runtime = runtime
    this.logger = logger
  }

  // Event buses

  async createBus (bus: BusDefinition): Promise<void> {
    if (this.buses.has(bus.name)) throw alreadyExistsError(`Event bus ${bus.name} already exists.`)
    await this.change(this.buses, bus.name, bus, {
      apply: async next => await this.runtime?.busCreated(next!),
      revert: async () => await this.runtime?.busDeleted(bus.name),
    })
  }

  async updateBus (name: string, changes: Partial<BusDefinition>): Promise<BusDefinition> {
    const previous = this.requireBus(name)
    const next = { ...previous, ...changes }
    await this.change(this.buses, name, next)
    return next
  }

  /** Deletes the bus with its rules; its topic and delivery state go once that is durable. */
  async deleteBus (name: string): Promise<void> {
    if (!this.buses.has(name)) return
    const rules = this.rulesOfBus(name)
    await this.change(this.buses, name, undefined, {
      apply: () => {
        for (const rule of rules) {
          this.rules.delete(ruleKey(name, rule.name))
          this.runtime?.ruleDeleted(rule)
        }
      },
      revert: () => {
        for (const rule of rules) {
          this.rules.set(ruleKey(name, rule.name), rule)
          this.runtime?.ruleChanged(rule)
        }
      },
      durable: async () => await this.runtime?.busDeleted(name),
    })
  }

  requireBus (name: string): BusDefinition {
    const found = this.buses.get(name)
    if (!found) throw notFoundError(`Event bus ${name} does not exist.`)
    return found
  }

  // Rules (with their targets and tags)

  /** Creates or replaces a rule; a pattern that does not compile refuses the change. */
  async putRule (rule: RuleDefinition): Promise<void> {
    this.requireBus(rule.busName)
    await this.change(this.rules, ruleKey(rule.busName, rule.name), rule, this.ruleHooks)
  }

  async updateRule (rule: RuleDefinition, changes: Partial<Pick<RuleDefinition, 'state' | 'targets' | 'tags'>>): Promise<RuleDefinition> {
    const next = { ...rule, ...changes }
    await this.change(this.rules, ruleKey(rule.busName, rule.name), next, this.ruleHooks)
    return next
  }

  async deleteRule (rule: RuleDefinition): Promise<void> {
    await this.change(this.rules, ruleKey(rule.busName, rule.name), undefined, this.ruleHooks)
  }

  private readonly ruleHooks: ChangeHooks<RuleDefinition> = {
    apply: (next, previous) => this.ruleRuntime(next, previous),
    revert: (previous, next) => this.ruleRuntime(previous, next),
  }

  private ruleRuntime (now: RuleDefinition | undefined, before: RuleDefinition | undefined): void {
    if (now) this.runtime?.ruleChanged(now)
    else if (before) this.runtime?.ruleDeleted(before)
  }

  // Archives and replays

  async createArchive (archive: ArchiveDefinition): Promise<void> {
    this.requireBus(archive.sourceBusName)
    if (this.archives.has(archive.name)) throw alreadyExistsError(`Archive ${archive.name} already exists.`)
    await this.change(this.archives, archive.name, archive, {
      apply: async next => await this.runtime?.archiveChanged(next!, undefined),
      revert: async () => {
        this.runtime?.archiveDeleted(archive)
        await this.runtime?.archiveTopicDeleted(archive)
      },
    })
  }

  async updateArchive (name: string, changes: Partial<Pick<ArchiveDefinition, 'description' | 'eventPattern' | 'retentionDays'>>): Promise<ArchiveDefinition> {
    const previous = this.requireArchive(name)
    const next = { ...previous, ...changes }
    await this.change(this.archives, name, next, {
      apply: async () => await this.runtime?.archiveChanged(next, previous),
      revert: async () => await this.runtime?.archiveChanged(previous, next),
    })
    return next
  }

  async deleteArchive (name: string): Promise<void> {
    const archive = this.requireArchive(name)
    await this.change(this.archives, name, undefined, {
      apply: () => this.runtime?.archiveDeleted(archive),
      revert: async () => await this.runtime?.archiveChanged(archive, undefined),
      durable: async () => await this.runtime?.archiveTopicDeleted(archive),
    })
  }

  requireArchive (name: string): ArchiveDefinition {
    const archive = this.archives.get(name)
    if (!archive) throw notFoundError(`Archive ${name} does not exist.`)
    return archive
  }

  async createReplay (replay: ReplayDefinition): Promise<void> {
    if (this.replays.has(replay.name)) throw alreadyExistsError(`Replay ${replay.name} already exists.`)
    await this.change(this.replays, replay.name, replay, { durable: next => this.runtime?.replayCreated(next!) })
  }

  /**
   * Replays are changed in place, since the running replay holds the same object
   * and reads its state (a cancellation) from it.
   */
  async updateReplay (replay: ReplayDefinition, changes: Partial<ReplayDefinition>): Promise<void> {
    const before: Partial<ReplayDefinition> = {}
    for (const key of Object.keys(changes) as Array<keyof ReplayDefinition>) (before as Record<string, unknown>)[key] = replay[key]
    Object.assign(replay, changes)
    try {
      await this.persist()
    } catch (err) {
      Object.assign(replay, before)
      throw err
    }
  }

  // Connections and API destinations

  async createConnection (connection: ConnectionDefinition): Promise<void> {
    if (this.connections.has(connection.name)) throw alreadyExistsError(`Connection ${connection.name} already exists.`)
    await this.change(this.connections, connection.name, connection)
  }

  async updateConnection (connection: ConnectionDefinition, changes: Partial<ConnectionDefinition>): Promise<ConnectionDefinition> {
    const next = { ...connection, ...changes, modifiedAt: changes.modifiedAt ?? Date.now() }
    await this.change(this.connections, connection.name, next, { apply: () => this.runtime?.connectionChanged(next) })
    return next
  }

  async deleteConnection (connection: ConnectionDefinition): Promise<void> {
    await this.change(this.connections, connection.name, undefined, { apply: () => this.runtime?.connectionChanged({ ...connection, state: 'DELETING' }) })
  }

  connectionByArn (arn: string): ConnectionDefinition | undefined {
    for (const c of this.connections.values()) if (c.arn === arn) return c
    return undefined
  }

  async createApiDestination (destination: ApiDestinationDefinition): Promise<void> {
    if (this.apiDestinations.has(destination.name)) throw alreadyExistsError(`An api-destination '${destination.name}' already exists.`)
    await this.change(this.apiDestinations, destination.name, destination)
  }

  async updateApiDestination (destination: ApiDestinationDefinition, changes: Partial<ApiDestinationDefinition>): Promise<ApiDestinationDefinition> {
    const next = { ...destination, ...changes, modifiedAt: Date.now() }
    await this.change(this.apiDestinations, destination.name, next)
    return next
  }

  async deleteApiDestination (destination: ApiDestinationDefinition): Promise<void> {
    await this.change(this.apiDestinations, destination.name, undefined)
  }

  /**
   * The one way a definition changes: set (or delete) it in its map, let the
   * runtime act on it, persist; on any failure put the previous value back and
   * undo the runtime's part, then rethrow.
   */
  private async change<T> (map: Map<string, T>, key: string, next: T | undefined, hooks: ChangeHooks<T> = {}): Promise<void> {
    const previous = map.get(key)
    const put = (value: T | undefined): void => { if (value === undefined) map.delete(key); else map.set(key, value) }
    put(next)
    try {
      await hooks.apply?.(next, previous)
      await this.persist()
    } catch (err) {
      // Undo only if no later change of the same definition has replaced this one meanwhile.
      const stillOurs = next === undefined ? !map.has(key) : map.get(key) === next
      if (stillOurs) {
        put(previous)
        try {
          await hooks.revert?.(previous, next)
        } catch (revertErr) {
          this.logger?.error({ err: revertErr, key }, 'could not undo a failed bus catalog change in the running bus')
        }
        // The failed write may have been the one carrying the change; write the restored state.
        await this.persist().catch(() => {})
      }
      throw err
    }
    await hooks.durable?.(next, previous)
  }
}

export function ruleKey (busName: string, ruleName: string): string {
  return `${busName}\u0000${ruleName}`
}

function parseDefinition (text: string): { name: string } | undefined {
  try {
    const value = JSON.parse(text) as { name?: unknown } | null
    return typeof value === 'object' && value !== null && typeof value.name === 'string' ? value as { name: string } : undefined
  } catch {
    return undefined
  }
}
