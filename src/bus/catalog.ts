// The bus's definitions (buses, rules with their targets, archives, replays,
// connections, API destinations), kept in memory and persisted in a journal
// (./catalog-store.ts explains how persist() finds what changed). API actions
// mutate, then await persist() before answering, so an acknowledged change
// survives a crash.
import { join } from 'node:path'
import type { Logger } from 'pino'
import { Journal } from '../log/journal.js'
import type { FileSystem } from '../log/fs.js'
import { changedOps, parseJournalKey, TrackedMap } from './catalog-store.js'
import type {
  ApiDestinationDefinition, ArchiveDefinition, BusDefinition, CatalogData, ConnectionDefinition,
  ReplayDefinition, RuleDefinition,
} from './model.js'

export const CATALOG_JOURNAL_FILE = 'catalog.journal'
/** The catalog's file before the journal: read once at load and migrated. */
export const LEGACY_CATALOG_FILE = 'catalog.json'

export interface CatalogOptions {
  fs?: FileSystem
  logger?: Logger
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
  private readonly journal: Journal
  /** Journal key -> the JSON last written for it. */
  private readonly written = new Map<string, string>()
  /** The latest write: writes become durable in order, so awaiting it awaits every earlier one. */
  private lastWrite: Promise<void> = Promise.resolve()

  constructor (private readonly stateDir: string, private readonly options: CatalogOptions = {}) {
    this.journal = new Journal({ dir: stateDir, name: CATALOG_JOURNAL_FILE, fs: options.fs })
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
    await this.migrateLegacy(recovery.bytes === 0)
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
  private async migrateLegacy (journalIsEmpty: boolean): Promise<void> {
    const fs = this.journal.fs
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
