// The address a client is told to connect to (Metadata, FindCoordinator,
// DescribeCluster): that of the listener it came in through, so a client on
// the loopback plaintext listener is not sent to the SASL_SSL one and back.
import type { RequestContext } from './handlers/types.js'

export function advertisedAddress (ctx: Pick<RequestContext, 'listener' | 'services'>): { host: string, port: number } {
  const configured = ctx.services.advertisedListeners?.get(ctx.listener)
  if (configured !== undefined) return configured
  const { config } = ctx.services
  return { host: config.advertisedHost !== '' ? config.advertisedHost : config.host, port: config.kafkaPort }
}
