// Checks of the security options of src/config.ts (authorization, superUsers,
// acls, bus credentials), so a mistyped principal or ACL stops the start with
// a message naming it instead of silently granting or refusing access.
import type { BrokerConfig } from './config.js'
import { bindingFromConfig } from './broker/acl/acl-model.js'
import { actionsNamedBy } from './bus/api/action-names.js'

const PRINCIPAL = /^[^:]+:.+$/

/** What is wrong with the security options, or null. */
export function securityConfigProblem (config: BrokerConfig): string | null {
  if (config.authorization !== null && typeof config.authorization !== 'boolean') return 'authorization must be true or false'
  if (!Array.isArray(config.superUsers) || !config.superUsers.every(p => typeof p === 'string' && PRINCIPAL.test(p))) {
    return 'superUsers must be a list of principals such as ["User:admin"]'
  }
  if (!Array.isArray(config.acls)) return 'acls must be a list of ACL bindings'
  try {
    config.acls.forEach((entry, i) => bindingFromConfig(entry, `acls[${i}]`))
  } catch (err) {
    return (err as Error).message
  }
  return busProblem(config.bus)
}

const BUS_KEYS = ['credentials', 'replayProtection', 'replayCacheEntries']

function busProblem (bus: unknown): string | null {
  if (bus === null || typeof bus !== 'object' || Array.isArray(bus)) return 'bus must be an object such as { "credentials": [] }'
  for (const key of Object.keys(bus)) if (!BUS_KEYS.includes(key)) return `unknown option "bus.${key}" (known: ${BUS_KEYS.join(', ')})`
  const { replayProtection, replayCacheEntries } = bus as { replayProtection?: unknown, replayCacheEntries?: unknown }
  if (replayProtection !== undefined && typeof replayProtection !== 'boolean') return 'bus.replayProtection must be true or false'
  if (replayCacheEntries !== undefined && !(Number.isInteger(replayCacheEntries) && (replayCacheEntries as number) >= 1 && (replayCacheEntries as number) <= 10_000_000)) {
    return 'bus.replayCacheEntries must be a whole number from 1 to 10000000'
  }
  const credentials = (bus as { credentials?: unknown }).credentials ?? []
  if (!Array.isArray(credentials)) return 'bus.credentials must be a list of { accessKeyId, secretAccessKey }'
  const seen = new Set<string>()
  for (const [i, c] of credentials.entries()) {
    const where = `bus.credentials[${i}]`
    if (c === null || typeof c !== 'object') return `${where} must be an object { accessKeyId, secretAccessKey }`
    const { accessKeyId, secretAccessKey, allow, ...rest } = c as Record<string, unknown>
    const unknown = Object.keys(rest)[0]
    if (unknown !== undefined) return `${where} has an unknown key "${unknown}"`
    if (typeof accessKeyId !== 'string' || !/^[A-Za-z0-9]{1,128}$/.test(accessKeyId)) return `${where}.accessKeyId must be letters and digits`
    if (typeof secretAccessKey !== 'string' || secretAccessKey.length < 8) return `${where}.secretAccessKey must be a string of at least 8 characters`
    if (seen.has(accessKeyId)) return `${where}.accessKeyId ${accessKeyId} is given twice`
    const allowProblem = allow === undefined ? null : busAllowProblem(allow, `${where}.allow`)
    if (allowProblem !== null) return allowProblem
    seen.add(accessKeyId)
  }
  return null
}

/** `bus.credentials[i].allow`: IAM-style statements whose every action pattern names a bus action (a typo grants nothing, so it stops the start). */
function busAllowProblem (allow: unknown, where: string): string | null {
  if (!Array.isArray(allow)) return `${where} must be a list of { actions: ["events:PutEvents", ...], resources?: ["arn:aws:events:*:*:event-bus/NAME", ...] }`
  for (const [i, statement] of allow.entries()) {
    const at = `${where}[${i}]`
    if (statement === null || typeof statement !== 'object' || Array.isArray(statement)) return `${at} must be an object { actions, resources? }`
    const { actions, resources, ...rest } = statement as Record<string, unknown>
    const unknown = Object.keys(rest)[0]
    if (unknown !== undefined) return `${at} has an unknown key "${unknown}" (known: actions, resources)`
    if (!Array.isArray(actions) || actions.length === 0 || !actions.every(a => typeof a === 'string')) return `${at}.actions must be a non-empty list such as ["events:PutEvents"]`
    for (const action of actions as string[]) {
      if (actionsNamedBy(action).length === 0) return `${at}.actions: "${action}" names no bus action (write events:<Action>, for example events:PutEvents or events:List*)`
    }
    if (resources !== undefined && (!Array.isArray(resources) || resources.length === 0 || !resources.every(r => typeof r === 'string' && r !== ''))) {
      return `${at}.resources must be a non-empty list of ARN patterns such as ["arn:aws:events:*:*:event-bus/orders"] or ["*"]`
    }
  }
  return null
}

/**
 * Whether Kafka requests are checked against ACLs: as configured, else on as
 * soon as a listener is SASL.
 */
export function authorizationEnabled (config: BrokerConfig): boolean {
  if (config.authorization !== null) return config.authorization
  return config.listeners.some(l => l.protocol.startsWith('SASL'))
}
