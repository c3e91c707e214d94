// OpenTelemetry: with @opentelemetry/api present and a propagator registered,
// publish carries the active trace context in the record headers and the
// handler runs inside it. The context manager and the propagator are written
// here on the API alone (no OpenTelemetry SDK is installed).
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { AsyncLocalStorage } from 'node:async_hooks'
import { context, propagation, trace, ROOT_CONTEXT, TraceFlags, type Context, type ContextManager, type TextMapPropagator } from '@opentelemetry/api'
import { startTributary, createEventStream } from '../../../src/index.js'
import { waitFor } from '../../helpers/wait.js'

class StorageContextManager implements ContextManager {
  private readonly storage = new AsyncLocalStorage<Context>()
  active (): Context { return this.storage.getStore() ?? ROOT_CONTEXT }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>> (ctx: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    return this.storage.run(ctx, () => fn.call(thisArg, ...args))
  }

  bind<T> (_ctx: Context, target: T): T { return target }
  enable (): this { return this }
  disable (): this { this.storage.disable(); return this }
}

/** W3C traceparent, just enough of it: 00-<trace id>-<span id>-<flags>. */
const traceparent: TextMapPropagator = {
  inject (ctx, carrier, setter) {
    const span = trace.getSpanContext(ctx)
    if (span !== undefined) setter.set(carrier, 'traceparent', `00-${span.traceId}-${span.spanId}-01`)
  },
  extract (ctx, carrier, getter) {
    const value = getter.get(carrier, 'traceparent')
    const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(String(value))
    if (match === null) return ctx
    return trace.setSpanContext(ctx, { traceId: match[1]!, spanId: match[2]!, traceFlags: TraceFlags.SAMPLED, isRemote: true })
  },
  fields: () => ['traceparent']
}

describe('trace context in event headers', () => {
  test('the handler runs in the trace the publisher was in', async () => {
    context.setGlobalContextManager(new StorageContextManager())
    propagation.setGlobalPropagator(traceparent)
    try {
      await using t = await startTributary()
      await using stream = createEventStream({ tributary: t })
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736'
      const seen: Array<{ traceId: string | undefined, header: string | undefined }> = []
      await stream.subscribe('order.shipped', { group: 'tracking' }, async event => {
        seen.push({ traceId: trace.getActiveSpan()?.spanContext().traceId, header: event.headers.traceparent })
      })
      const publishing = trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED })
      await context.with(publishing, async () => { await stream.publish('order.shipped', { id: 's-1' }) })
      await waitFor(() => seen.length > 0, 'the event to be handled')
      assert.deepEqual(seen, [{ traceId, header: `00-${traceId}-00f067aa0ba902b7-01` }])
    } finally {
      propagation.disable()
      context.disable()
    }
  })
})
