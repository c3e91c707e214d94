// The bus's definitions (buses, rules with their targets, archives, replays,
// connections, API destinations), kept in memory and persisted as one JSON
// file written atomically. Every change goes through one of the methods below,
// which check that the change makes sense, apply it, tell the running bus
// (CatalogRuntime) and await persist() before resolving, so an acknowledged
// change survives a crash. A change that fails anywhere after its checks
// (the runtime refused it, the topic could not be created, the write failed)
// is rolled back in memory and in the runtime: nothing half-made stays behind.
import { join } from 'node:path'
import type { Logger } from 'pino'
import { readJsonFile, CoalescingJsonWriter } from './json-file.js'
import { alreadyExistsError, notFoundError } from './errors.js'
import type {
  ApiDestinationDefinition, ArchiveDefinition, BusDefinition, CatalogData, ConnectionDefinition,
  ReplayDefinition, RuleDefinition,
} from './model.js'
import type { CatalogRuntime, ChangeHooks } from './catalog-runtime.js'

export type { CatalogRuntime } from './catalog-runtime.js'

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
  private runtime: CatalogRuntime | undefined
  private logger: Logger | undefined

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
