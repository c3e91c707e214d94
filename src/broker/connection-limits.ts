// Connection admission, with Kafka's max.connections and max.connections.per.ip
// semantics: a connection over either bound is closed as soon as it is accepted,
// before a byte of it is read, and the clients already connected are untouched.
// (Kafka's acceptor waits for a free slot when the broker-wide bound is reached;
// we close instead, so a flood of half-open connections costs nothing but the
// accept.) Each open socket holds kernel buffers, a frame reader and a timer,
// so without these bounds one host can exhaust the process's file descriptors.

export interface ConnectionBounds {
  /** Most open client connections in total (max.connections). */
  maxConnections: number
  /** Most open client connections from one client address (max.connections.per.ip). */
  maxConnectionsPerIp: number
}

export type Admission = { admitted: true } | { admitted: false, reason: string }

export class ConnectionLimiter {
  private total = 0
  private readonly byAddress = new Map<string, number>()

  constructor (private readonly bounds: ConnectionBounds) {}

  /** Counts a new connection from `address` if the bounds allow it; release() it once it closes. */
  admit (address: string): Admission {
    const fromAddress = this.byAddress.get(address) ?? 0
    if (this.total >= this.bounds.maxConnections) {
      return { admitted: false, reason: `${this.total} connections are open, the limit (maxConnections) is ${this.bounds.maxConnections}` }
    }
    if (fromAddress >= this.bounds.maxConnectionsPerIp) {
      return { admitted: false, reason: `${fromAddress} connections from ${address} are open, the limit (maxConnectionsPerIp) is ${this.bounds.maxConnectionsPerIp}` }
    }
    this.total++
    this.byAddress.set(address, fromAddress + 1)
    return { admitted: true }
  }

  release (address: string): void {
    const fromAddress = this.byAddress.get(address) ?? 0
    if (fromAddress <= 1) this.byAddress.delete(address)
    else this.byAddress.set(address, fromAddress - 1)
    if (this.total > 0) this.total--
  }

  /** Open connections counted, in total and from `address`. */
  count (address?: string): number {
    return address === undefined ? this.total : this.byAddress.get(address) ?? 0
  }
}
