// One HTTP call to a target (an HTTP endpoint, a function URL, an API
// destination) over node:http / node:https with keep-alive agents. Delivery
// used the global fetch (undici) before: measured on this machine, a POST through
// fetch cost about 600 µs more CPU than through node:http (WHATWG streams, an
// AbortSignal and a Request per call), the largest single cost of delivering an
// event (bench/bus-scale-out.ts). Only the status matters to the bus; the answer's
// body is read and dropped when it is small and sized (so the connection carries
// the next delivery) and the connection is closed otherwise, so a target cannot
// make the bus buffer its answer. No redirect is followed (a 3xx answer is a
// failed delivery, as the status says).
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'

/** A target's answer body up to this size is read (and dropped) so its connection can be reused. */
const DRAINED_BODY_BYTES = 64 * 1024

const httpAgent = new HttpAgent({ keepAlive: true })
const httpsAgent = new HttpsAgent({ keepAlive: true })

export class HttpSendError extends Error {
  constructor (message: string, readonly timedOut: boolean) {
    super(message)
    this.name = timedOut ? 'TimeoutError' : 'HttpSendError'
  }
}

/** Sends one request; resolves with the answer's status once it is in (and a small body drained). */
export async function httpSend (url: URL, method: string, headers: Record<string, string>, body: string | undefined, timeoutMs: number): Promise<number> {
  const payload = body === undefined ? undefined : Buffer.from(body, 'utf8')
  const allHeaders = payload === undefined ? headers : { ...headers, 'content-length': String(payload.length) }
  const secure = url.protocol === 'https:'
  if (!secure && url.protocol !== 'http:') throw new HttpSendError(`unsupported protocol ${url.protocol}`, false)
  return await new Promise<number>((resolve, reject) => {
    let settled = false
    const finish = (err: Error | null, status = 0): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      if (err === null) resolve(status)
      else reject(err)
    }
    const onAnswer = (res: IncomingMessage): void => {
      const status = res.statusCode ?? 0
      const length = Number(res.headers['content-length'] ?? NaN)
      if (Number.isFinite(length) && length <= DRAINED_BODY_BYTES) {
        res.on('end', () => finish(null, status))
        res.on('error', err => finish(err))
        res.resume()
      } else {
        // An unsized, large or endless answer: the connection goes, the status stands.
        res.destroy()
        finish(null, status)
      }
    }
    const req = secure
      ? httpsRequest(url, { method, headers: allHeaders, agent: httpsAgent }, onAnswer)
      : httpRequest(url, { method, headers: allHeaders, agent: httpAgent }, onAnswer)
    const timer = setTimeout(() => {
      const err = new HttpSendError(`timed out after ${timeoutMs} ms`, true)
      finish(err)
      req.destroy(err)
    }, timeoutMs)
    req.on('error', err => finish(err))
    req.end(payload)
  })
}
