// The bus's definitions (buses, rules with their targets, archives, replays,
// connections, API destinations), kept in memory and persisted as one JSON
// file written atomically. API actions mutate, then await persist() before
// answering, so an acknowledged change survives a crash.
import { join } from 'node:path'
import { readJsonFile, CoalescingJsonWriter } from './json-file.js'
import type {
  ApiDestinationDefinition, ArchiveDefinition, BusDefinition, CatalogData, ConnectionDefinition,
  ReplayDefinition, RuleDefinition,
} from './model.js'

export class Catalog {
  readonly buses = new Map<string, BusDefinition>()
  /** Keyed by `${busName}\u0000${ruleName}`; see ruleKey(). */
  readonly rules = new Map<string, RuleDefinition>()
  readonly archives = new Map<string, ArchiveDefinition>()
  readonly replays = new Map<string, ReplayDefinition>()
  readonly connections = new Map<string, ConnectionDefinition>()
  readonly apiDestinations = new Map<string, ApiDestinationDefinition>()
  private readonly writer: CoalescingJsonWriter
  readonly path: string

  constructor (stateDir: string) {
    this.path = join(stateDir, 'catalog.json')
    this.writer = new CoalescingJsonWriter(this.path, () => this.snapshot())
  }

  async load (): Promise<void> {
    const data = await readJsonFile<CatalogData>(this.path)
    if (!data) return
    for (const b of data.buses) this.buses.set(b.name, b)
    for (const r of data.rules) this.rules.set(ruleKey(r.busName, r.name), r)
    for (const a of data.archives) this.archives.set(a.name, a)
    for (const r of data.replays) this.replays.set(r.name, r)
    for (const c of data.connections) this.connections.set(c.name, c)
    for (const d of data.apiDestinations) this.apiDestinations.set(d.name, d)
  }

  persist (): Promise<void> {
    return this.writer.write()
  }

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
