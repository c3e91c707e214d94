// The authorizer: may this principal, from this host, perform this operation
// on this resource? The rules are Kafka's StandardAuthorizer's:
// - a super user may do everything;
// - the ACLs that apply to a resource are the literal ones on its name, the
//   literal ones on `*`, and the prefixed ones whose prefix starts its name;
//   of those, an entry applies to the principal if it names it or `User:*`,
//   and to the client if its host is the client's address or `*`;
// - any applying DENY for the operation (or ALL) refuses: deny wins;
// - else an applying ALLOW for the operation, for ALL, or for an operation
//   that implies it (read, write, delete or alter imply describe;
//   alter-configs implies describe-configs) permits;
// - else refused: no ACL means no access (allow.everyone.if.no.acl.found=false).
// When authorization is off every request is allowed, as Kafka without an
// authorizer. Bindings are indexed by resource type and name, so a check costs
// a few map lookups plus one pass over the prefixed bindings of that type.
import { AclOperation, PatternType, Permission, WILDCARD, bindingKey, filterMatches, type AclBinding, type AclFilter } from './acl-model.js'

/** Operations whose ALLOW also allows `op` (Kafka's implied operations). */
const IMPLIED_BY: Record<number, readonly number[]> = {
  [AclOperation.DESCRIBE]: [AclOperation.DESCRIBE, AclOperation.READ, AclOperation.WRITE, AclOperation.DELETE, AclOperation.ALTER],
  [AclOperation.DESCRIBE_CONFIGS]: [AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS]
}

/** Who is asking: the principal and the client's IP address. */
export interface Requester { principal: string, host: string }

export interface AuthorizerOptions {
  enabled: boolean
  superUsers?: readonly string[]
}

/** The client's IP address from a `host:port` string (IPv4-mapped IPv6 addresses read as IPv4). */
export function clientAddress (clientHost: string): string {
  const colon = clientHost.lastIndexOf(':')
  const address = colon >= 0 ? clientHost.slice(0, colon) : clientHost
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice('::ffff:'.length) : address
}

export class Authorizer {
  readonly enabled: boolean
  private readonly superUsers: ReadonlySet<string>
  private readonly bindings = new Map<string, AclBinding>()
  /** resourceType → literal name → bindings */
  private readonly literal = new Map<number, Map<string, AclBinding[]>>()
  /** resourceType → prefixed bindings */
  private readonly prefixed = new Map<number, AclBinding[]>()

  constructor (options: AuthorizerOptions) {
    this.enabled = options.enabled
    this.superUsers = new Set(options.superUsers ?? [])
  }

  /** Every binding, in no particular order. */
  get all (): AclBinding[] { return [...this.bindings.values()] }

  /** Adds bindings (an existing one is kept once); returns those that were new. */
  add (bindings: readonly AclBinding[]): AclBinding[] {
    const added: AclBinding[] = []
    for (const b of bindings) {
      const key = bindingKey(b)
      if (this.bindings.has(key)) continue
      this.bindings.set(key, b)
      added.push(b)
    }
    if (added.length > 0) this.reindex()
    return added
  }

  /** Removes the given bindings; returns those that were present. */
  remove (bindings: readonly AclBinding[]): AclBinding[] {
    const removed = bindings.filter(b => this.bindings.delete(bindingKey(b)))
    if (removed.length > 0) this.reindex()
    return removed
  }

  /** The bindings `filter` selects. */
  matching (filter: AclFilter): AclBinding[] {
    return this.all.filter(b => filterMatches(filter, b))
  }

  isSuperUser (principal: string): boolean { return this.superUsers.has(principal) }

  /** Whether `who` may perform `operation` on the resource `type`/`name`. */
  authorize (who: Requester, operation: number, type: number, name: string): boolean {
    if (!this.enabled || this.superUsers.has(who.principal)) return true
    const allowing = IMPLIED_BY[operation] ?? [operation]
    let allowed = false
    // one pass over the bindings that apply, without building a list: a check runs per resource per request
    const visit = (bindings: readonly AclBinding[] | undefined, prefixOnly: boolean): boolean => {
      if (bindings === undefined) return false
      for (const b of bindings) {
        if (prefixOnly && !name.startsWith(b.resourceName)) continue
        if (!appliesTo(b, who)) continue
        if (b.permission === Permission.DENY) {
          if (b.operation === operation || b.operation === AclOperation.ALL) return true
        } else if (b.operation === AclOperation.ALL || allowing.includes(b.operation)) {
          allowed = true
        }
      }
      return false
    }
    const byName = this.literal.get(type)
    if (visit(byName?.get(name), false)) return false
    if (name !== WILDCARD && visit(byName?.get(WILDCARD), false)) return false
    if (visit(this.prefixed.get(type), true)) return false
    return allowed
  }

  /** Whether `who` may perform `operation` on some resource of `type` (Kafka's authorizeByResourceType). */
  authorizeAny (who: Requester, operation: number, type: number): boolean {
    if (!this.enabled || this.superUsers.has(who.principal)) return true
    const allowing = IMPLIED_BY[operation] ?? [operation]
    return this.all.some(b => b.resourceType === type && b.permission === Permission.ALLOW && appliesTo(b, who) &&
      (b.operation === AclOperation.ALL || allowing.includes(b.operation)) &&
      // a deny on the same pattern (or a wider one) takes that allow back
      !this.all.some(d => d.resourceType === type && d.permission === Permission.DENY && appliesTo(d, who) &&
        (d.operation === operation || d.operation === AclOperation.ALL) && covers(d, b)))
  }

  private reindex (): void {
    this.literal.clear()
    this.prefixed.clear()
    for (const b of this.bindings.values()) {
      if (b.patternType === PatternType.PREFIXED) {
        const list = this.prefixed.get(b.resourceType) ?? []
        list.push(b)
        this.prefixed.set(b.resourceType, list)
      } else {
        const byName = this.literal.get(b.resourceType) ?? new Map<string, AclBinding[]>()
        byName.set(b.resourceName, [...(byName.get(b.resourceName) ?? []), b])
        this.literal.set(b.resourceType, byName)
      }
    }
  }
}

function appliesTo (b: AclBinding, who: Requester): boolean {
  return (b.principal === who.principal || b.principal === 'User:*') && (b.host === WILDCARD || b.host === who.host)
}

/** Whether every name `allow` covers is also covered by `deny`. */
function covers (deny: AclBinding, allow: AclBinding): boolean {
  if (deny.patternType === PatternType.LITERAL) return deny.resourceName === WILDCARD || (allow.patternType === PatternType.LITERAL && deny.resourceName === allow.resourceName)
  return allow.resourceName.startsWith(deny.resourceName)
}
