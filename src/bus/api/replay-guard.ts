// Refuses a second use of a signed bus request inside the window in which its
// signature is valid (bus.replayProtection, off by default as at AWS, which
// accepts a captured request again until its date is 5 minutes old).
//
// A SigV4 signature is an HMAC over the method, path, query, signed headers
// (always including x-amz-date, to the second) and body, so one signature is
// one request. A request dated D is accepted while the clock is within 5
// minutes of D, so its signature is kept until D + 5 minutes and then
// forgotten: a replay after that is refused as expired anyway.
//
// Retries: the AWS SDK for JavaScript v3 puts the attempt number in a header
// it signs (`amz-sdk-request: attempt=N`), so each retry, even in the same
// second, is a new signature and is served.
// botocore (the AWS CLI, boto3) does not sign its attempt header: its retry
// in the same second is the very same signature. A retry follows a server
// error, so a request answered 5xx is forgotten (routes.ts calls forget) and
// its retry served; the bus did not do it the first time. Any other client
// that resends the very same signed bytes after a served request is refused,
// with AWS's InvalidSignatureException: it must sign the request again.
//
// Memory: signatures are kept in buckets by the second they expire (at most
// 601 buckets), up to `maxEntries` in all. When full, a new request is refused
// with ThrottlingException (the SDKs back off and retry) rather than evicting
// a signature that could then be replayed: it fails closed, and only holders
// of a valid key can fill it.
import { BusApiError } from '../errors.js'

export const DEFAULT_REPLAY_CACHE_ENTRIES = 200_000

export class ReplayGuard {
  /** expiry second → signatures that expire then */
  private readonly buckets = new Map<number, Set<string>>()
  private size = 0
  private prunedAt = 0

  /** `windowMs`: how long after its date a request is still accepted (the clock-skew allowance). */
  constructor (private readonly windowMs: number, private readonly maxEntries = DEFAULT_REPLAY_CACHE_ENTRIES) {}

  get entries (): number { return this.size }

  /**
   * Records `signature` of a request dated `dateMs`, verified at `nowMs`.
   * Throws the AWS answer if it was used before, or if the cache is full.
   * Synchronous, so two copies of a request arriving together cannot both pass.
   */
  admit (signature: string, dateMs: number, nowMs: number): void {
    this.prune(nowMs)
    const expires = Math.floor((dateMs + this.windowMs) / 1000)
    let bucket = this.buckets.get(expires)
    if (bucket?.has(signature) === true) {
      throw new BusApiError('InvalidSignatureException', 'Signature already used: this signed request was accepted before, and the bus refuses a second use (bus.replayProtection). Sign the request again.', 400)
    }
    if (this.size >= this.maxEntries) {
      throw new BusApiError('ThrottlingException', `Rate exceeded: more than ${this.maxEntries} signed requests within 5 minutes (bus.replayCacheEntries)`, 400)
    }
    if (bucket === undefined) {
      bucket = new Set()
      this.buckets.set(expires, bucket)
    }
    bucket.add(signature)
    this.size++
  }

  /**
   * Forgets a recorded signature: its request was not done (the bus answered a
   * server error), so the client's retry of the very same bytes must be served.
   */
  forget (signature: string, dateMs: number): void {
    const expires = Math.floor((dateMs + this.windowMs) / 1000)
    if (this.buckets.get(expires)?.delete(signature) === true) this.size--
  }

  /** Forgets signatures whose requests can no longer pass the clock check (at most once a second). */
  private prune (nowMs: number): void {
    const nowSecond = Math.floor(nowMs / 1000)
    if (nowSecond === this.prunedAt) return
    this.prunedAt = nowSecond
    for (const [second, bucket] of this.buckets) {
      if (second < nowSecond) {
        this.size -= bucket.size
        this.buckets.delete(second)
      }
    }
  }
}
