// OpenTelemetry trace context in event headers (W3C traceparent/tracestate, or
// whatever propagator the application registered). @opentelemetry/api is an
// optional peer: when the application has it, publish injects the active
// context and a handler runs inside the extracted one (with a consumer span);
// without it, both are no-ops and nothing is loaded.
import type { RecordHeader } from '../../protocol/records/index.js'

type OtelApi = typeof import('@opentelemetry/api')

let loading: Promise<OtelApi | null> | null = null

function otel (): Promise<OtelApi | null> {
  loading ??= import('@opentelemetry/api').then(api => api, () => null)
  return loading
}

/** Trace headers for the active context ({} without OpenTelemetry or a propagator). */
export async function traceHeaders (): Promise<Record<string, string>> {
  const api = await otel()
  const carrier: Record<string, string> = {}
  api?.propagation.inject(api.context.active(), carrier)
  return carrier
}

/** Runs `fn` in the trace context the headers carry, inside a consumer span named after the event type. */
export async function runInTraceContext<T> (headers: RecordHeader[], spanName: string, fn: () => Promise<T>): Promise<T> {
  const api = await otel()
  if (api === null) return await fn()
  const carrier: Record<string, string> = {}
  for (const h of headers) if (h.value !== null) carrier[h.key] = Buffer.from(h.value).toString('utf8')
  const parent = api.propagation.extract(api.context.active(), carrier)
  const tracer = api.trace.getTracer('tributary')
  return await tracer.startActiveSpan(`${spanName} process`, { kind: api.SpanKind.CONSUMER }, parent, async span => {
    try {
      return await fn()
    } catch (err) {
      span.setStatus({ code: api.SpanStatusCode.ERROR, message: (err as Error)?.message })
      throw err
    } finally {
      span.end()
    }
  })
}
