// Generic Kafka message codec driven by the definitions in ./messages/.
//
// Usage:
//   import { decodeMessage, encodeMessage, encodeToBuffer } from './codec.js'
//   import { Reader } from './primitives/reader.js'
//   import { Writer } from './primitives/writer.js'
//   const body = decodeMessage(produceApi.request, version, new Reader(frame, offsetAfterHeader))
//   // body.topicData[0].partitionData[0].records is a Buffer view into `frame`
//   const w = new Writer()
//   encodeMessage(fetchApi.response, version, { throttleTimeMs: 0, responses: [...] }, w)
//   socket.cork(); for (const c of w.toChunks()) socket.write(c); socket.uncork()
//   // or encodeToBuffer(spec, version, body) for a single Buffer.
//
// Decoded objects use Kafka's field names with a lower-case first letter; int64 is
// bigint (encode also takes number), uuid a 32-hex-digit string, bytes/records
// Buffer views. Fields absent in a version decode to their default and are ignored
// when encoding; an undefined field encodes as its default. Each (spec, version) is
// compiled once into a plan of closures (./codec-plan.ts) and cached.
// Given a definition written `as const` (every one in ./messages/), decode returns
// and encode checks the body type derived from it (./messages/body-types.ts); a
// spec typed as plain MessageSpec gives an untyped Record.
import { compileStruct, type StructPlan } from './codec-plan.js'
import { isCodecError } from '../errors.js'
import { inVersions } from './messages/versions.js'
import type { MessageSpec } from './messages/spec.js'
import type { DecodedBody, EncodableBody } from './messages/body-types.js'
import { Reader } from './primitives/reader.js'
import { Writer } from './primitives/writer.js'

const plans = new WeakMap<MessageSpec, Array<StructPlan | undefined>>()

function planFor (spec: MessageSpec, version: number): StructPlan {
  let byVersion = plans.get(spec)
  if (byVersion === undefined) {
    byVersion = []
    plans.set(spec, byVersion)
  }
  let plan = byVersion[version]
  if (plan === undefined) {
    plan = compileStruct(spec.fields, version, isFlexible(spec, version))
    byVersion[version] = plan
  }
  return plan
}

/** True if `version` of the message uses compact types and tagged fields. */
export function isFlexible (spec: MessageSpec, version: number): boolean {
  return inVersions(spec.flexibleVersions, version)
}

function withContext (err: unknown, spec: MessageSpec, version: number, action: string): unknown {
  if (isCodecError(err)) err.message = `${action} ${spec.name} v${version}: ${err.message}`
  return err
}

/** Decodes one message body at `version`, advancing `reader` past it. */
export function decodeMessage<S extends MessageSpec> (spec: S, version: number, reader: Reader): DecodedBody<S> {
  const plan = planFor(spec, version)
  try {
    // The plan builds exactly the object DecodedBody<S> describes.
    return plan.decode(reader) as DecodedBody<S>
  } catch (err) {
    throw withContext(err, spec, version, 'decoding')
  }
}

/** Encodes one message body at `version` onto `writer` (returned for chaining). */
export function encodeMessage<S extends MessageSpec> (spec: S, version: number, body: EncodableBody<S>, writer: Writer): Writer {
  const plan = planFor(spec, version)
  try {
    plan.encode(writer, body)
  } catch (err) {
    throw withContext(err, spec, version, 'encoding')
  }
  return writer
}

/** Decodes a whole buffer; `consumed` tells whether every byte was used. */
export function decodeBuffer<S extends MessageSpec> (spec: S, version: number, buffer: Buffer): { body: DecodedBody<S>, consumed: number } {
  const reader = new Reader(buffer)
  const body = decodeMessage(spec, version, reader)
  return { body, consumed: reader.offset }
}

/** Encodes a body into one Buffer (copies once if large buffers were appended). */
export function encodeToBuffer<S extends MessageSpec> (spec: S, version: number, body: EncodableBody<S>): Buffer {
  return encodeMessage(spec, version, body, new Writer()).toBuffer()
}

/** A body with every field at its default for `version` (a starting point for responses). */
export function defaultBody<S extends MessageSpec> (spec: S, version: number): DecodedBody<S> {
  return planFor(spec, version).makeDefault() as DecodedBody<S>
}
