// ACLs made with CreateAcls and removed with DeleteAcls, kept across restarts
// on the shared journal engine (src/log/journal.ts) in
// <dataDir>/__acls/acls.journal: one key per binding (its canonical JSON), so
// a create is a put, a delete a delete, and the journal's group commit, torn
// tail cutting and compaction apply as for every other durable store. An
// admin request is answered only once its change is fsynced.
// The ACLs of the config file are not written here: they are applied at every
// start, so the file stays the truth for them.
import { join } from 'node:path'
import { Journal } from '../../log/journal.js'
import type { FileSystem } from '../../log/fs.js'
import { bindingKey, bindingProblem, type AclBinding } from './acl-model.js'

export const ACL_DIR = '__acls'
export const ACL_JOURNAL_FILE = 'acls.journal'

export interface AclStoreOptions {
  dataDir: string
  fs?: FileSystem
  logger?: { warn: (obj: object, msg?: string) => void }
}

export class AclStore {
  private readonly journal: Journal

  constructor (private readonly options: AclStoreOptions) {
    this.journal = new Journal({ dir: join(options.dataDir, ACL_DIR), name: ACL_JOURNAL_FILE, fs: options.fs })
  }

  /** Opens the journal and returns the stored bindings (a value that does not parse is logged and skipped). */
  async open (): Promise<AclBinding[]> {
    const recovery = await this.journal.open()
    const bindings: AclBinding[] = []
    for (const [key, value] of recovery.entries) {
      try {
        const binding = JSON.parse(value.toString('utf8')) as AclBinding
        const problem = bindingProblem(binding)
        if (problem !== null || bindingKey(binding) !== key) throw new Error(problem ?? 'the value is not this key\'s binding')
        bindings.push(binding)
      } catch (err) {
        this.options.logger?.warn({ key, err }, 'skipping a stored ACL that does not parse')
      }
    }
    return bindings
  }

  /** Writes created bindings; resolves once fsynced. */
  async added (bindings: readonly AclBinding[]): Promise<void> {
    if (bindings.length === 0) return
    await this.journal.write(bindings.map(b => ({ key: bindingKey(b), value: Buffer.from(JSON.stringify(b)) })))
  }

  /** Writes deleted bindings; resolves once fsynced. */
  async removed (bindings: readonly AclBinding[]): Promise<void> {
    if (bindings.length === 0) return
    await this.journal.write(bindings.map(b => ({ key: bindingKey(b), value: null })))
  }

  async close (): Promise<void> { await this.journal.close() }
}
