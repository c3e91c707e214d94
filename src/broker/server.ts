// The Kafka listener: TCP framing and per-connection in-order responses.
//
// Requests on one connection start in arrival order (so appends from one
// producer connection reach the log in the order they were sent) and may
// complete out of order (a Produce waiting for its fsync, a Fetch long-polling);
// responses are written strictly in request order, as Kafka clients require.
// A frame over the size limit or one we cannot parse closes that connection
// only; nothing already accepted is affected.
import net from 'node:net'
import type { Logger } from '../logger.js'
import type { BrokerServices } from './services.js'
import { decodeRequestFrame, encodeResponseFrame } from './frames.js'
import { FrameReader } from './frame-reader.js'

interface Pending {
  done: boolean
  chunks: Buffer[] | null
}

export class KafkaServer {
  private server: net.Server | null = null
  private connections = new Set<net.Socket>()
  private nextConnectionId = 1

  constructor (private services: BrokerServices, private logger: Logger) {}

  async listen (host: string, port: number): Promise<number> {
    const server = net.createServer({ noDelay: true }, socket => this.onConnection(socket))
    this.server = server
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, host, () => { server.off('error', reject); resolve() })
    })
    return (server.address() as net.AddressInfo).port
  }

  async close (): Promise<void> {
    const server = this.server
    if (!server) return
    for (const socket of this.connections) socket.destroy()
    await new Promise<void>(resolve => server.close(() => resolve()))
  }

  private onConnection (socket: net.Socket): void {
    const connectionId = this.nextConnectionId++
    const clientHost = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`
    const maxBytes = this.services.config.maxRequestBytes
    const queue: Pending[] = []
    let closed = false
    this.connections.add(socket)
    const log = this.logger.child({ conn: connectionId, client: clientHost })
    log.debug('connected')

    const fail = (reason: string, err?: unknown): void => {
      if (closed) return
      closed = true
      log.warn({ err }, `closing connection: ${reason}`)
      socket.destroy()
    }

    const flushQueue = (): void => {
      let wrote = false
      while (queue.length > 0 && queue[0].done) {
        const head = queue.shift()!
        if (head.chunks !== null && !closed) {
          if (!wrote) { socket.cork(); wrote = true }
          for (const chunk of head.chunks) socket.write(chunk)
        }
      }
      if (wrote) process.nextTick(() => socket.uncork())
    }

    const onFrame = (frame: Buffer): void => {
      const decoded = decodeRequestFrame(frame, this.services.handlers)
      if (decoded.kind === 'close') { fail(decoded.reason, decoded.error); return }
      const slot: Pending = { done: false, chunks: null }
      queue.push(slot)
      if (decoded.kind === 'respond') {
        slot.done = true
        slot.chunks = decoded.chunks
        flushQueue()
        return
      }
      const { header, body, handler } = decoded
      let result: unknown
      try {
        result = handler.handle(body, {
          apiKey: header.requestApiKey,
          apiVersion: header.requestApiVersion,
          correlationId: header.correlationId,
          clientId: header.clientId,
          connectionId,
          clientHost,
          services: this.services
        })
      } catch (err) {
        fail(`handler for API ${header.requestApiKey} v${header.requestApiVersion} threw`, err)
        return
      }
      const finish = (response: unknown): void => {
        // acks=0 produce: the handler returns undefined and Kafka sends nothing back.
        if (response !== undefined) {
          try {
            slot.chunks = encodeResponseFrame(handler.api, header, response)
          } catch (err) {
            fail(`cannot encode response for API ${header.requestApiKey} v${header.requestApiVersion}`, err)
            return
          }
        }
        slot.done = true
        flushQueue()
      }
      if (result instanceof Promise) {
        result.then(finish, err => fail(`handler for API ${header.requestApiKey} v${header.requestApiVersion} failed`, err))
      } else {
        finish(result)
      }
    }

    const frames = new FrameReader(maxBytes, frame => {
      try {
        onFrame(frame)
      } catch (err) {
        fail('malformed request', err)
      }
      return !closed
    }, size => fail(`frame of ${size} bytes is over the request size limit of ${maxBytes} bytes`))
    socket.on('data', (data: Buffer) => {
      if (!closed) frames.push(data)
    })
    socket.on('error', err => log.debug({ err }, 'socket error'))
    socket.on('close', () => {
      closed = true
      this.connections.delete(socket)
      this.services.onDisconnect?.(connectionId)
      log.debug('disconnected')
    })
  }
}
