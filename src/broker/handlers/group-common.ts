// Shared by the group API handlers: the coordinator from the services, and the
// client address as Kafka reports it in DescribeGroups ("/127.0.0.1").
import type { GroupCoordinator } from '../groups/index.js'
import type { RequestContext } from './types.js'

export function coordinatorOf (ctx: RequestContext): GroupCoordinator | null {
  return (ctx.services.groups as GroupCoordinator | null) ?? null
}

/** "host:port" -> "/host", as Kafka's InetAddress.toString() shows a member's host. */
export function kafkaClientHost (clientHost: string): string {
  const colon = clientHost.lastIndexOf(':')
  const host = colon > 0 ? clientHost.slice(0, colon) : clientHost
  return '/' + host
}

/** Decoded bytes are views into the request frame; what the coordinator keeps must not pin or share it. */
export function ownBytes (bytes: Buffer | null | undefined): Buffer {
  return bytes == null ? Buffer.alloc(0) : Buffer.from(bytes)
}
