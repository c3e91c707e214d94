// Test-time faults for the embedded broker, after franz-go's kfake (which lets
// a test take over any request by key): `faults.add()` makes the next matching
// requests answer a chosen Kafka error in the right place of the response
// (see ./fault-placement.ts), `faults.delay()` holds requests back. They hook
// in by wrapping each entry of the broker's handler registry, the one table
// every request is dispatched through, so the listener is untouched and a
// broker without faults runs the handlers it always runs.
import { callHandler, wrapHandler, type Handler, type RequestContext } from '../broker/handlers/types.js'
import { KafkaError, kafkaErrorByCode, type KafkaErrorName } from '../protocol/errors.js'
import { answerWithFault, canPlaceFault } from './fault-placement.js'
import { TributaryError, TributaryErrorCode } from './errors.js'

export interface FaultOptions {
  /** Kafka API name ('Produce', 'JoinGroup', ...) or key. */
  api: string | number
  /** Only requests (for per-partition APIs: only the entries) naming this topic. */
  topic?: string
  partition?: number
  /** Kafka error name ('NOT_LEADER_OR_FOLLOWER') or code. */
  error: KafkaErrorName | number
  /** How many requests answer the error; default 1. */
  count?: number
}

export interface DelayOptions {
  api: string | number
  ms: number
  /** How many requests are held back; default every one until removed. */
  count?: number
}

export interface InjectedFault {
  readonly api: string
  readonly error: string
  /** Requests answered with the error so far. */
  readonly fired: number
  readonly remaining: number
  /** Resolves once the fault has fired `times` times (default: its whole count). */
  waitFired: (times?: number) => Promise<void>
  remove: () => void
}

interface Rule {
  kind: 'error' | 'delay'
  apiKey: number
  options: FaultOptions | DelayOptions
  errorCode: number
  fired: number
  remaining: number
  waiters: Array<{ times: number, resolve: () => void }>
}

export class Faults {
  private rules: Rule[] = []
  private readonly byName = new Map<string, Handler>()

  /** Wraps every handler of `handlers` in place (the broker's registry). */
  constructor (handlers: Map<number, Handler>) {
    for (const [key, handler] of handlers) {
      this.byName.set(handler.api.name.toLowerCase(), handler)
      handlers.set(key, wrapHandler(handler, (request, ctx) => this.dispatch(handler, request, ctx)))
    }
  }

  /** The next `count` requests of `api` (matching topic/partition) answer `error`. */
  add (options: FaultOptions): InjectedFault {
    const handler = this.handlerFor(options.api)
    const problem = canPlaceFault(handler, options)
    if (problem !== null) throw new TributaryError(TributaryErrorCode.FAULT, problem)
    const info = typeof options.error === 'number' ? kafkaErrorByCode(options.error) : KafkaError[options.error]
    if (info === undefined) throw new TributaryError(TributaryErrorCode.FAULT, `unknown Kafka error ${String(options.error)}; use a name such as NOT_LEADER_OR_FOLLOWER or a code`)
    const count = options.count ?? 1
    if (!Number.isInteger(count) || count < 1) throw new TributaryError(TributaryErrorCode.FAULT, `count must be a positive integer, got ${count}`)
    return this.addRule({ kind: 'error', apiKey: handler.api.apiKey, options, errorCode: info.code, fired: 0, remaining: count, waiters: [] }, handler.api.name, info.name)
  }

  /** Holds back the next `count` requests of `api` (all, by default) for `ms` milliseconds of real time. */
  delay (options: DelayOptions): InjectedFault {
    const handler = this.handlerFor(options.api)
    if (!Number.isFinite(options.ms) || options.ms < 0) throw new TributaryError(TributaryErrorCode.FAULT, `ms must be a non-negative number, got ${options.ms}`)
    const count = options.count ?? Infinity
    return this.addRule({ kind: 'delay', apiKey: handler.api.apiKey, options, errorCode: 0, fired: 0, remaining: count, waiters: [] }, handler.api.name, `delay ${options.ms} ms`)
  }

  /** Removes every fault and delay. */
  clear (): void { this.rules = [] }

  /** Faults and delays still armed. */
  get pending (): number { return this.rules.filter(r => r.remaining > 0).length }

  private addRule (rule: Rule, api: string, error: string): InjectedFault {
    this.rules.push(rule)
    return {
      api,
      error,
      get fired () { return rule.fired },
      get remaining () { return rule.remaining },
      waitFired: (times?: number) => {
        const wanted = times ?? (Number.isFinite(rule.remaining + rule.fired) ? rule.remaining + rule.fired : 1)
        if (rule.fired >= wanted) return Promise.resolve()
        return new Promise<void>(resolve => rule.waiters.push({ times: wanted, resolve }))
      },
      remove: () => { this.rules = this.rules.filter(r => r !== rule) },
    }
  }

  private handlerFor (api: string | number): Handler {
    const handler = typeof api === 'number'
      ? [...this.byName.values()].find(h => h.api.apiKey === api)
      : this.byName.get(api.toLowerCase())
    if (handler === undefined) {
      const known = [...this.byName.values()].map(h => h.api.name).sort().join(', ')
      throw new TributaryError(TributaryErrorCode.FAULT, `unknown Kafka API ${String(api)}; the broker serves ${known}`)
    }
    return handler
  }

  private dispatch (handler: Handler, request: unknown, ctx: RequestContext): unknown {
    const delay = this.rules.find(r => r.kind === 'delay' && r.apiKey === ctx.apiKey && r.remaining > 0)
    if (delay !== undefined) {
      this.fire(delay)
      const ms = (delay.options as DelayOptions).ms
      return new Promise(resolve => setTimeout(resolve, ms)).then(() => this.answer(handler, request, ctx))
    }
    return this.answer(handler, request, ctx)
  }

  private answer (handler: Handler, request: unknown, ctx: RequestContext): unknown {
    for (const rule of this.rules) {
      if (rule.kind !== 'error' || rule.apiKey !== ctx.apiKey || rule.remaining <= 0) continue
      const outcome = answerWithFault(handler, request, ctx, rule.options as FaultOptions, rule.errorCode)
      if (!outcome.fired) continue
      this.fire(rule)
      return outcome.response
    }
    return callHandler(handler, request, ctx)
  }

  private fire (rule: Rule): void {
    rule.fired++
    rule.remaining--
    if (rule.remaining <= 0 && rule.kind === 'error') this.rules = this.rules.filter(r => r !== rule)
    rule.waiters = rule.waiters.filter(w => {
      if (rule.fired < w.times) return true
      w.resolve()
      return false
    })
  }
}
