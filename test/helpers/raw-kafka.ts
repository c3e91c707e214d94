// A bare Kafka wire connection for tests that must send what no well-behaved client sends:
// oversized or malformed frames, unknown API keys, unsupported versions.
import { connect, type Socket } from 'node:net'
import { once } from 'node:events'
import { PATIENCE_MS } from './wait.js'

export class RawKafkaConnection {
  private buffered = Buffer.alloc(0)
  private readonly frames: Buffer[] = []
  private waiter: (() => void) | null = null
  private ended = false
  /** Resolves when the broker (or we) closed the connection. */
  readonly closed: Promise<void>

  private constructor (private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk])
      while (this.buffered.length >= 4) {
        const size = this.buffered.readInt32BE(0)
        if (this.buffered.length < 4 + size) break
        this.frames.push(this.buffered.subarray(4, 4 + size))
        this.buffered = this.buffered.subarray(4 + size)
      }
      this.wake()
    })
    socket.on('error', () => { /* a reset is one way the broker closes; `closed` reports it */ })
    this.closed = new Promise(resolve => socket.once('close', () => { this.ended = true; this.wake(); resolve() }))
  }

  /** @param localAddress the loopback address to connect from (127.0.0.2, ...): another client host to the broker */
  static async open (host: string, port: number, localAddress?: string): Promise<RawKafkaConnection> {
    const socket = connect({ host, port, localAddress })
    socket.setNoDelay(true)
    await once(socket, 'connect')
    return new RawKafkaConnection(socket)
  }

  write (bytes: Buffer): void {
    this.socket.write(bytes)
  }

  /** The next response frame (without its size prefix); rejects if the connection closes first or after timeoutMs. */
  async nextFrame (timeoutMs = PATIENCE_MS): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs
    while (this.frames.length === 0) {
      if (this.ended) throw new Error('TRIB_ERR_TEST_CLOSED: the connection closed before a response arrived')
      if (Date.now() >= deadline) throw new Error(`TRIB_ERR_TEST_TIMEOUT: no response within ${timeoutMs} ms`)
      await new Promise<void>(resolve => {
        const timer = setTimeout(resolve, deadline - Date.now())
        this.waiter = () => { clearTimeout(timer); resolve() }
      })
    }
    return this.frames.shift()!
  }

  /** Resolves true if the connection closes within timeoutMs, false otherwise. */
  async closesWithin (timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<boolean>(resolve => { timer = setTimeout(() => resolve(false), timeoutMs) })
    const result = await Promise.race([this.closed.then(() => true), timeout])
    clearTimeout(timer)
    return result
  }

  destroy (): void {
    this.socket.destroy()
  }

  private wake (): void {
    const waiter = this.waiter
    this.waiter = null
    waiter?.()
  }
}

/** A size-prefixed request with header v1 (or v2, flexible: an empty tagged-field section after the client id). */
export function requestFrame (apiKey: number, apiVersion: number, correlationId: number, body: Buffer, flexibleHeader = false): Buffer {
  const clientId = Buffer.from('raw-test')
  const header = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length + (flexibleHeader ? 1 : 0))
  header.writeInt16BE(apiKey, 0)
  header.writeInt16BE(apiVersion, 2)
  header.writeInt32BE(correlationId, 4)
  header.writeInt16BE(clientId.length, 8)
  clientId.copy(header, 10)
  // With flexibleHeader the trailing byte stays 0: no tagged fields.
  const size = Buffer.alloc(4)
  size.writeInt32BE(header.length + body.length, 0)
  return Buffer.concat([size, header, body])
}

export interface ApiVersionsV0 {
  correlationId: number
  errorCode: number
  apis: Array<{ apiKey: number, minVersion: number, maxVersion: number }>
}

/** Parses a response frame as response header v0 + ApiVersions v0 body, checking every length. */
export function parseApiVersionsV0 (frame: Buffer): ApiVersionsV0 {
  if (frame.length < 10) throw new Error(`TRIB_ERR_TEST_SHORT: ApiVersions response of ${frame.length} bytes`)
  const correlationId = frame.readInt32BE(0)
  const errorCode = frame.readInt16BE(4)
  const count = frame.readInt32BE(6)
  if (count < 0 || 10 + count * 6 > frame.length) throw new Error(`TRIB_ERR_TEST_SHORT: ${count} API entries do not fit in ${frame.length} bytes`)
  const apis = []
  for (let i = 0; i < count; i++) {
    const at = 10 + i * 6
    apis.push({ apiKey: frame.readInt16BE(at), minVersion: frame.readInt16BE(at + 2), maxVersion: frame.readInt16BE(at + 4) })
  }
  return { correlationId, errorCode, apis }
}
