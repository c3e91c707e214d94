// How a bus HTTP face checks who calls it, built from the `bus` config section:
// the same for the embedded broker (src/http/server.ts) and for a bus worker on a
// Kafka cluster (src/bus/cluster/worker.ts), so `bus.credentials` means the same in both.
import type { BusConfig } from '../../config.js'
import type { Logger } from '../../logger.js'
import type { EventBus } from '../index.js'
import { SignatureVerifier } from './signature.js'
import { BusPermissions } from './permissions.js'
import { DEFAULT_REPLAY_CACHE_ENTRIES } from './replay-guard.js'

/** The bus API's signature check, or null in open mode; either way the log says which at start. */
export function busVerifier (busConfig: BusConfig | undefined, logger: Logger | undefined): SignatureVerifier | null {
  const credentials = busConfig?.credentials ?? []
  if (busConfig === undefined || credentials.length === 0) {
    logger?.warn('THE BUS API IS OPEN: requests are not signature-checked and any credentials are accepted; configure bus.credentials to require AWS Signature Version 4')
    return null
  }
  const replay = busConfig.replayProtection === true ? { maxEntries: busConfig.replayCacheEntries ?? DEFAULT_REPLAY_CACHE_ENTRIES } : null
  logger?.info({ accessKeyIds: credentials.map(c => c.accessKeyId), replayProtection: replay !== null }, 'the bus API requires AWS Signature Version 4 with a configured access key')
  return new SignatureVerifier(credentials, Date.now, replay)
}

/** Per-action permissions of the configured keys, or null when no key is restricted. */
export function busPermissions (busConfig: BusConfig | undefined, bus: EventBus, logger: Logger | undefined): BusPermissions | null {
  const permissions = new BusPermissions(busConfig?.credentials ?? [], bus.arns)
  if (permissions.restricted.length === 0) return null
  logger?.info({ accessKeyIds: permissions.restricted }, 'bus access keys with an allow list may call only the actions and resources it names')
  return permissions
}
