// How the running bus follows the catalog: the catalog calls these hooks from
// its change methods (see Catalog.change), and EventBus implements them.
import type { ArchiveDefinition, BusDefinition, ConnectionDefinition, ReplayDefinition, RuleDefinition } from './model.js'

/** What the running bus does when a definition changes. Throwing refuses the change. */
export interface CatalogRuntime {
  /** Creates the bus's topic and starts its delivery. */
  busCreated: (bus: BusDefinition) => Promise<void>
  /** Stops delivery and removes the bus's topic (only after the deletion is durable). */
  busDeleted: (name: string) => Promise<void>
  /** Compiles the rule into its bus's matcher and (re)arms its schedule. */
  ruleChanged: (rule: RuleDefinition) => void
  ruleDeleted: (rule: RuleDefinition) => void
  /** Creates or reconfigures the archive's topic and routes events into it. */
  archiveChanged: (archive: ArchiveDefinition, previous: ArchiveDefinition | undefined) => Promise<void>
  /** Stops routing events to the archive (its topic is removed once the deletion is durable). */
  archiveDeleted: (archive: ArchiveDefinition) => void
  archiveTopicDeleted: (archive: ArchiveDefinition) => Promise<void>
  /** Forgets cached credentials of the connection. */
  connectionChanged: (connection: ConnectionDefinition) => void
  replayCreated: (replay: ReplayDefinition) => void
}

export interface ChangeHooks<T> {
  /** Runs before the write; undone by `revert` if anything after it fails. */
  apply?: (next: T | undefined, previous: T | undefined) => Promise<void> | void
  revert?: (previous: T | undefined, next: T | undefined) => Promise<void> | void
  /** Runs once the change is durable (work that cannot be undone, such as deleting a topic). */
  durable?: (next: T | undefined, previous: T | undefined) => Promise<void> | void
}
