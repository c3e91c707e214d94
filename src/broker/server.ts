// The Kafka listener: TCP framing and per-connection in-order responses.
//
// Requests on one connection start in arrival order (so appends from one
// producer connection reach the log in the order they were sent) and may
// complete out of order (a Produce waiting for its fsync, a Fetch long-polling);
// responses are written strictly in request order, as Kafka clients require.
// A frame over the size limit or one we cannot parse closes that connection
// only; nothing already accepted is affected.
//
// Several listeners may be open at once (listeners.ts), each a net or tls
// server; every connection carries a ConnectionAuth (its listener, principal
// and SASL state, see connection-auth.ts), which gates what it may send.
import net from 'node:net'
import tls from 'node:tls'
import { ConfigError } from '../config.js'
import type { CredentialStore } from '../security/credential-store.js'
import { ConnectionAuth } from './connection-auth.js'
import type { ResolvedListener } from './listeners.js'
import type { Logger } from '../logger.js'
import type { BrokerServices } from './services.js'
import { decodeRequestFrame, encodeResponseFrame } from './frames.js'
import { FrameReader } from '../protocol/frame-reader.js'
import { FramePool } from './frame-pool.js'
import { readAcceptedInto } from './socket-reads.js'
import { fetchReadPool } from './read-pool.js'
import { ConnectionLimiter } from './connection-limits.js'

// Produce is the API whose frames are large and frequent. Its handler answers
// only after every append it started was written to the file (or refused), and
// the log keeps no view into a payload once written (the write queue drops it,
// producer state keeps parsed numbers), so once the answer exists the frame's
// buffer may carry the next frame. acks=0 has no answer, but its handler too
// settles only once its appends are written, so its frame is reused the same way.
const PRODUCE_API_KEY = 0
// A Fetch response carries the pooled buffers its log bytes were read into
// (read-pool.ts); they go back once the socket has taken the whole response.
const FETCH_API_KEY = 1
/** Idle frame buffers kept for reuse, across all connections. */
const FRAME_POOL_IDLE_BYTES = 64 * 1024 * 1024
// Flow control, as Kafka mutes a busy channel (it handles one request at a
// time per connection). A connection's requests are not started, and its
// socket is not read, while any of these is over its bound; reading resumes
// once all are back under half of it:
// - request bytes unanswered (a fast producer outrunning the disk): the frame
//   pool stays warm and a client's in-flight window is still deep enough for
//   group commit to gather many batches per fsync;
// - response bytes encoded but not yet taken by the kernel (a client that sends
//   Fetch after Fetch and never reads the answers would otherwise grow the
//   broker without limit);
// - Fetch requests in flight: each may hold up to fetchMaxBytes of log data
//   before it is encoded; clients send one Fetch per connection at a time.
const MAX_UNANSWERED_BYTES = 32 * 1024 * 1024
const MAX_QUEUED_RESPONSE_BYTES = 32 * 1024 * 1024
const MAX_FETCHES_IN_FLIGHT = 2

interface Pending {
  done: boolean
  chunks: Buffer[] | null
  /** Whether `chunks` hold buffers of fetchReadPool, to hand back once written. */
  recycle: boolean
  /** Called once the socket took the whole answer: lets go of what the answer was read from (tail cache pins). */
  afterWritten?: Array<() => void>
  /** Size of the request frame, counted as unanswered until done. */
  frameBytes: number
  /** Size of the encoded response, counted as waiting until handed to the socket. */
  responseBytes: number
}

export class KafkaServer {
  private readonly servers: net.Server[] = []
  private connections = new Set<net.Socket>()
  private nextConnectionId = 1
  private readonly framePool = new FramePool(FRAME_POOL_IDLE_BYTES)
  private readonly limiter: ConnectionLimiter
  /** Connections refused by the limiter since the last warning (logged at most once a second). */
  private refusedSinceWarning = 0
  private lastRefusalWarning = 0

  constructor (private services: BrokerServices, private logger: Logger) {
    this.limiter = new ConnectionLimiter(services.config)
  }

  /** Open client connections (the metrics face reads this at scrape time). */
  get activeConnections (): number { return this.connections.size }

  /**
   * Opens one listener; resolves with its bound port. A port already taken
   * fails with TRIB_ERR_CONFIG naming the listener.
   */
  async listen (listener: ResolvedListener, credentials: CredentialStore | null = null): Promise<number> {
    let server: net.Server
    if (listener.tls !== undefined) {
      // TLS sockets are read through 'data' events: the handle belongs to the TLS layer
      const secure = tls.createServer({ ...listener.tls, noDelay: true })
      secure.on('secureConnection', socket => this.onConnection(secure, socket, listener, credentials))
      secure.on('tlsClientError', (err, socket) => this.logger.debug({ err, client: socket.remoteAddress, listener: listener.name }, 'TLS handshake failed'))
      server = secure
    } else {
      // pauseOnConnect: nothing is read before onConnection picks how to read (socket-reads.ts)
      const plain: net.Server = net.createServer({ noDelay: true, pauseOnConnect: true }, socket => this.onConnection(plain, socket, listener, credentials))
      server = plain
    }
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        reject(new ConfigError(`listener ${listener.name} (${listener.protocol}) cannot listen on ${listener.host}:${listener.port}: ${err.code === 'EADDRINUSE' ? 'the port is taken (EADDRINUSE)' : err.message}`))
      })
      server.listen(listener.port, listener.host, () => { server.removeAllListeners('error'); resolve() })
    })
    this.servers.push(server)
    return (server.address() as net.AddressInfo).port
  }

  /** Drops every client connection; the listener keeps accepting new ones. */
  disconnectAll (): void { for (const socket of this.connections) socket.destroy() }

  async close (): Promise<void> {
    for (const socket of this.connections) socket.destroy()
    const servers = this.servers.splice(0)
    await Promise.all(servers.map(server => new Promise<void>(resolve => server.close(() => resolve()))))
  }

  /** Closes a connection over maxConnections / maxConnectionsPerIp before reading it. */
  private refuse (accepted: net.Socket, reason: string): void {
    accepted.on('error', () => {})
    accepted.destroy()
    this.refusedSinceWarning++
    const now = Date.now()
    // a flood of refused connections must not become a flood of log lines
    if (now - this.lastRefusalWarning < 1000) return
    this.logger.warn({ refused: this.refusedSinceWarning }, `refusing new connections: ${reason}`)
    this.lastRefusalWarning = now
    this.refusedSinceWarning = 0
  }

  private onConnection (server: net.Server, accepted: net.Socket, listener: ResolvedListener, credentials: CredentialStore | null): void {
    const address = accepted.remoteAddress ?? '?'
    const admission = this.limiter.admit(address)
    if (!admission.admitted) { this.refuse(accepted, admission.reason); return }
    const connectionId = this.nextConnectionId++
    const clientHost = `${accepted.remoteAddress ?? '?'}:${accepted.remotePort ?? 0}`
    let socket = accepted
    const { maxRequestBytes, maxPreAuthRequestBytes, requestReadTimeoutMs, saslFailureDelayMs } = this.services.config
    const log = this.logger.child({ conn: connectionId, client: clientHost, listener: listener.name })
    const auth = new ConnectionAuth({ listener: listener.name, protocol: listener.protocol, credentials, failureDelayMs: saslFailureDelayMs, logger: log })
    // On SSL a verified client certificate is the identity; on SASL_SSL the SASL
    // exchange is, and is still required whatever certificate the client shows.
    if (listener.protocol === 'SSL' && accepted instanceof tls.TLSSocket && accepted.authorized) {
      const subject = accepted.getPeerX509Certificate()?.subject
      // Kafka names the principal by the subject in RFC 2253 order: most specific first
      if (subject !== undefined) auth.certificateSubject(subject.split('\n').reverse().join(','))
    }
    // Before authentication a SASL listener takes only small frames (a hostile
    // client cannot make the broker allocate a large buffer without credentials).
    const frameLimit = (): number => auth.requiresSasl && !auth.authenticated ? Math.min(maxPreAuthRequestBytes, maxRequestBytes) : maxRequestBytes
    const queue: Pending[] = []
    let closed = false
    let paused = false
    // flow control (see the constants above)
    let unansweredBytes = 0
    let waitingResponseBytes = 0
    let fetchesInFlight = 0
    const held: Buffer[] = []
    let pumping = false
    let pumpAgain = false
    log.debug('connected')

    const fail = (reason: string, err?: unknown): void => {
      if (closed) return
      closed = true
      clearTimeout(readTimer)
      log.warn({ err }, `closing connection: ${reason}`)
      socket.destroy()
    }

    /** Over the bounds (scale 1), or not yet back under half of them (scale 0.5). */
    const busy = (scale: number): boolean =>
      unansweredBytes > MAX_UNANSWERED_BYTES * scale ||
      waitingResponseBytes + socket.writableLength > MAX_QUEUED_RESPONSE_BYTES * scale ||
      fetchesInFlight >= MAX_FETCHES_IN_FLIGHT

    /** Starts held requests while the bounds allow, then pauses or resumes reading to match. */
    const pump = (): void => {
      if (pumping) { pumpAgain = true; return }
      pumping = true
      do {
        pumpAgain = false
        while (held.length > 0) {
          if (closed || busy(1)) break
          startRequest(held.shift()!)
        }
      } while (pumpAgain)
      pumping = false
      if (closed) return
      if (!paused && busy(1)) { paused = true; socket.pause() } else if (paused && held.length === 0 && !busy(0.5)) { paused = false; socket.resume() }
    }

    const answered = (slot: Pending): void => {
      slot.done = true
      unansweredBytes -= slot.frameBytes
    }

    const flushQueue = (): void => {
      let wrote = false
      while (queue[0]?.done === true) {
        const head = queue.shift()!
        waitingResponseBytes -= head.responseBytes
        if (head.chunks !== null && head.chunks.length > 0 && !closed) {
          if (!wrote) { socket.cork(); wrote = true }
          const chunks = head.chunks
          const last = chunks.length - 1
          // the write callback runs once the socket took the last chunk, and so every one before it
          const after = head.afterWritten
          const recycle = head.recycle || after !== undefined
            ? (err?: Error | null) => {
                if (err) return // a failed write may still hold the buffers: they go to the collector, never back to a pool
                if (head.recycle) for (const c of chunks) fetchReadPool.release(c)
                if (after !== undefined) for (const release of after) release()
              }
            : undefined
          chunks.forEach((chunk, i) => { if (i < last) socket.write(chunk); else socket.write(chunk, recycle) })
        }
      }
      if (wrote) process.nextTick(() => socket.uncork())
      pump()
    }

    /** After a SASL answer that ends the exchange in failure: the answer goes out, then the connection closes. */
    const closeIfRefused = (): void => {
      if (!auth.closeAfterAnswer || closed) return
      closed = true
      clearTimeout(readTimer)
      socket.end()
    }

    /** A bare SASL token after SaslHandshake v0: answered with a bare token, or the connection closes. */
    const startRawToken = (frame: Buffer): void => {
      const slot: Pending = { done: false, chunks: null, recycle: false, frameBytes: frame.length, responseBytes: 0 }
      queue.push(slot)
      unansweredBytes += frame.length
      auth.authenticate(Buffer.from(frame)).then(answer => {
        if (answer.errorCode !== 0) { fail('SASL authentication failed'); return }
        const size = Buffer.alloc(4)
        size.writeInt32BE(answer.authBytes.length)
        slot.chunks = [size, answer.authBytes]
        slot.responseBytes = 4 + answer.authBytes.length
        waitingResponseBytes += slot.responseBytes
        frames.maxBytes = frameLimit()
        answered(slot)
        flushQueue()
      }, err => fail('SASL authentication failed', err))
    }

    const startRequest = (frame: Buffer): void => {
      if (auth.rawTokens) { startRawToken(frame); return }
      const decoded = decodeRequestFrame(frame, this.services.handlers)
      if (decoded.kind === 'close') { fail(decoded.reason, decoded.error); return }
      if (decoded.kind === 'handle' && !auth.mayServe(decoded.header.requestApiKey)) {
        fail(`API ${decoded.header.requestApiKey} before SASL authentication on listener ${listener.name}`)
        return
      }
      const slot: Pending = { done: false, chunks: null, recycle: false, frameBytes: frame.length, responseBytes: 0 }
      queue.push(slot)
      unansweredBytes += frame.length
      if (decoded.kind === 'respond') {
        answered(slot)
        slot.chunks = decoded.chunks
        flushQueue()
        return
      }
      const { header, body, handler } = decoded
      const isFetch = header.requestApiKey === FETCH_API_KEY
      if (isFetch) fetchesInFlight++
      let result: unknown
      try {
        result = handler.handle(body, {
          apiKey: header.requestApiKey,
          apiVersion: header.requestApiVersion,
          correlationId: header.correlationId,
          clientId: header.clientId,
          connectionId,
          clientHost,
          principal: auth.principal,
          listener: listener.name,
          authenticated: auth.authenticated,
          auth,
          services: this.services,
          afterWritten: release => { (slot.afterWritten ??= []).push(release) }
        })
      } catch (err) {
        fail(`handler for API ${header.requestApiKey} v${header.requestApiVersion} threw`, err)
        return
      }
      const finish = (response: unknown): void => {
        if (isFetch) fetchesInFlight--
        // acks=0 produce: the handler settles with undefined once written, and Kafka sends nothing back.
        if (response !== undefined) {
          try {
            slot.chunks = encodeResponseFrame(handler.api, header, response)
            slot.recycle = isFetch
          } catch (err) {
            fail(`cannot encode response for API ${header.requestApiKey} v${header.requestApiVersion}`, err)
            return
          }
          for (const c of slot.chunks) slot.responseBytes += c.length
          waitingResponseBytes += slot.responseBytes
        }
        answered(slot)
        frames.maxBytes = frameLimit()
        flushQueue()
        closeIfRefused()
        if (header.requestApiKey === PRODUCE_API_KEY) this.framePool.release(frame)
      }
      if (result instanceof Promise) {
        result.then(finish, err => fail(`handler for API ${header.requestApiKey} v${header.requestApiVersion} failed`, err))
      } else {
        finish(result)
      }
    }

    const onFrame = (frame: Buffer): void => {
      // while reading is paused, what the last read still held waits its turn
      if (paused || held.length > 0) { held.push(frame); return }
      startRequest(frame)
      if (!closed && !paused && busy(1)) { paused = true; socket.pause() }
    }

    const frames = new FrameReader(frameLimit(), frame => {
      try {
        onFrame(frame)
      } catch (err) {
        fail('malformed request', err)
      }
      return !closed
    }, size => fail(`frame of ${size} bytes is over the ${frames.maxBytes < maxRequestBytes ? 'pre-authentication ' : ''}request size limit of ${frames.maxBytes} bytes`),
    size => this.framePool.acquire(size), buffer => this.framePool.release(buffer))

    // Request read timeout: a frame that started arriving must be whole within
    // requestReadTimeoutMs, or a client claiming a large frame and stalling
    // would hold its connection and buffer forever. One timer per connection,
    // armed when a read ends inside a frame; time spent paused by flow control
    // (when we are the ones not reading) does not count.
    let readTimer: NodeJS.Timeout | undefined
    let watchedFrame = -1
    const checkRead = (): void => {
      readTimer = undefined
      if (closed || !frames.inFrame) return
      if (paused || frames.framesCompleted !== watchedFrame) { watchRead(); return }
      fail(`request not received in full within ${requestReadTimeoutMs} ms`)
    }
    const watchRead = (): void => {
      if (readTimer !== undefined || closed || !frames.inFrame) return
      watchedFrame = frames.framesCompleted
      readTimer = setTimeout(checkRead, requestReadTimeoutMs)
      readTimer.unref()
    }

    const readingInto = accepted instanceof tls.TLSSocket
      ? null
      : readAcceptedInto(accepted, server, {
        target: () => frames.readTarget(),
        filled: n => {
          const more = !closed && frames.filled(n)
          watchRead()
          return more
        }
      })
    if (readingInto !== null) {
      socket = readingInto
    } else {
      socket.on('data', (data: Buffer) => {
        if (!closed) frames.push(data)
        watchRead()
      })
      socket.resume()
    }
    this.connections.add(socket)
    socket.on('drain', pump)
    socket.on('error', err => log.debug({ err }, 'socket error'))
    socket.on('close', () => {
      closed = true
      clearTimeout(readTimer)
      this.connections.delete(socket)
      this.limiter.release(address)
      this.services.onDisconnect?.(connectionId)
      log.debug('disconnected')
    })
  }
}
