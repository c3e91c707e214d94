// Access control for Kafka clients: the authorizer (what a principal may do),
// its bindings' durable store, and the ACL admin operations (CreateAcls,
// DescribeAcls, DeleteAcls) on them. Built once by the composition root and
// shared by every connection through BrokerServices.access.
import type { BrokerConfig } from '../../config.js'
import { authorizationEnabled } from '../../config-acl.js'
import type { FileSystem } from '../../log/fs.js'
import type { Logger } from '../../logger.js'
import { bindingFromConfig, bindingKey, type AclBinding, type AclFilter } from './acl-model.js'
import { AclStore } from './acl-store.js'
import { Authorizer } from './authorizer.js'

export { Authorizer, clientAddress, type Requester } from './authorizer.js'
export * from './acl-model.js'

export class AccessControl {
  private constructor (readonly authorizer: Authorizer, private readonly store: AclStore) {}

  /** Opens the store, loads its bindings and the config file's, and says loudly whether requests are checked. */
  static async open (config: BrokerConfig, options: { fs?: FileSystem, logger: Logger }): Promise<AccessControl> {
    const enabled = authorizationEnabled(config)
    const authorizer = new Authorizer({ enabled, superUsers: config.superUsers })
    const store = new AclStore({ dataDir: config.dataDir, fs: options.fs, logger: options.logger })
    const stored = await store.open()
    authorizer.add(stored)
    authorizer.add(config.acls.map((entry, i) => bindingFromConfig(entry, `acls[${i}]`)))
    const facts = { acls: authorizer.all.length, fromConfig: config.acls.length, superUsers: config.superUsers }
    if (enabled) {
      options.logger.warn({ ...facts, authorization: config.authorization === null ? 'on (a SASL listener is configured)' : 'on (config)' },
        'AUTHORIZATION IS ON: Kafka requests are checked against ACLs; a principal with no ACL allowing a request is refused')
    } else {
      options.logger.warn({ ...facts, authorization: config.authorization === null ? 'off (no SASL listener)' : 'off (config)' },
        'AUTHORIZATION IS OFF: every Kafka client may read, write, alter and delete everything; set "authorization": true to enforce ACLs')
    }
    return new AccessControl(authorizer, store)
  }

  /** Stores and applies bindings (already validated); resolves once they are durable. */
  async create (bindings: readonly AclBinding[]): Promise<void> {
    const known = new Set(this.authorizer.all.map(bindingKey))
    const fresh = bindings.filter(b => !known.has(bindingKey(b)))
    await this.store.added(fresh)
    this.authorizer.add(fresh)
  }

  /** Removes what each filter selects; answers the bindings removed per filter, once durable. */
  async delete (filters: readonly AclFilter[]): Promise<AclBinding[][]> {
    const matched = filters.map(f => this.authorizer.matching(f))
    const unique = new Map<string, AclBinding>()
    for (const list of matched) for (const b of list) unique.set(bindingKey(b), b)
    await this.store.removed([...unique.values()])
    this.authorizer.remove([...unique.values()])
    return matched
  }

  async close (): Promise<void> { await this.store.close() }
}
