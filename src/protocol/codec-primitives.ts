// Per-type reader and writer calls for the codec plans (./codec-plan.ts), chosen
// once per field for its (flexible, nullable) combination.
import { TributaryError, TributaryErrorCode } from '../errors.js'
import type { PrimitiveType } from './messages/spec.js'
import type { Reader } from './primitives/reader.js'
import type { Writer } from './primitives/writer.js'

export type Decode = (r: Reader) => unknown
/**
 * Writes one value. The value's type was checked at compile time against the
 * body type derived from the same definition (./messages/body-types.ts), so the
 * casts below name what that type guarantees rather than check it again.
 */
export type Encode = (w: Writer, v: unknown) => void

export interface ElementPlan {
  decode: Decode
  encode: Encode
  /** Fewest bytes one encoded value takes. */
  minBytes: number
}

export function encodeError (field: string, message: string): TributaryError {
  return new TributaryError(TributaryErrorCode.ENCODE, `field ${field}: ${message}`)
}

/** Reader/writer calls for one primitive type, chosen once for (flexible, nullable). */
export function compilePrimitive (type: PrimitiveType, flexible: boolean, nullable: boolean, name: string): ElementPlan {
  switch (type) {
    case 'bool': return { decode: r => r.bool(), encode: (w, v) => w.bool(v === true), minBytes: 1 }
    case 'int8': return { decode: r => r.int8(), encode: (w, v) => w.int8(v as number), minBytes: 1 }
    case 'int16': return { decode: r => r.int16(), encode: (w, v) => w.int16(v as number), minBytes: 2 }
    case 'uint16': return { decode: r => r.uint16(), encode: (w, v) => w.uint16(v as number), minBytes: 2 }
    case 'int32': return { decode: r => r.int32(), encode: (w, v) => w.int32(v as number), minBytes: 4 }
    case 'uint32': return { decode: r => r.uint32(), encode: (w, v) => w.uint32(v as number), minBytes: 4 }
    case 'int64': return { decode: r => r.int64(), encode: (w, v) => w.int64(v as bigint | number), minBytes: 8 }
    case 'float64': return { decode: r => r.float64(), encode: (w, v) => w.float64(v as number), minBytes: 8 }
    case 'uuid': return { decode: r => r.uuid(), encode: (w, v) => w.uuid(v as string), minBytes: 16 }
    case 'string': return stringPlan(flexible, nullable, name)
    case 'bytes': return bytesPlan(flexible, nullable, name)
    case 'records': return recordsPlan(flexible)
  }
}

function stringPlan (flexible: boolean, nullable: boolean, name: string): ElementPlan {
  const checked = (v: unknown): string | null => {
    if (typeof v === 'string') return v
    if (v === null && nullable) return null
    throw encodeError(name, v === null ? 'null in a non-nullable string' : `expected a string, got ${typeof v}`)
  }
  if (flexible) {
    return {
      decode: nullable ? r => r.compactNullableString() : r => r.compactString(),
      encode: (w, v) => w.compactNullableString(checked(v)),
      minBytes: 1
    }
  }
  return {
    decode: nullable ? r => r.nullableString() : r => r.string(),
    encode: (w, v) => w.nullableString(checked(v)),
    minBytes: 2
  }
}

function bytesPlan (flexible: boolean, nullable: boolean, name: string): ElementPlan {
  const checked = (v: unknown): Uint8Array | null => {
    if (v instanceof Uint8Array) return v
    if (v === null && nullable) return null
    throw encodeError(name, v === null ? 'null in non-nullable bytes' : 'expected a Buffer')
  }
  if (flexible) {
    return {
      decode: nullable ? r => r.compactNullableBytes() : r => r.compactBytes(),
      encode: (w, v) => w.compactNullableBytes(checked(v)),
      minBytes: 1
    }
  }
  return {
    decode: nullable ? r => r.nullableBytes() : r => r.bytes(),
    encode: (w, v) => w.nullableBytes(checked(v)),
    minBytes: 4
  }
}

/**
 * Record batches: nullable bytes on the wire. Decoded as a view of the request; on
 * encode a Buffer or a list of Buffers (batches read from disk) written one after
 * another behind a single length, each appended without copying.
 */
function recordsPlan (flexible: boolean): ElementPlan {
  return {
    decode: flexible ? r => r.compactNullableBytes() : r => r.nullableBytes(),
    encode: (w, v) => {
      if (v === null || v === undefined) {
        if (flexible) w.uvarint(0)
        else w.int32(-1)
        return
      }
      if (v instanceof Uint8Array) {
        if (flexible) w.compactBytes(v)
        else w.bytes(v)
        return
      }
      if (!Array.isArray(v)) throw encodeError('records', 'expected a Buffer, an array of Buffers or null')
      let total = 0
      for (const part of v) {
        if (!(part instanceof Uint8Array)) throw encodeError('records', 'expected an array of Buffers')
        total += part.length
      }
      if (flexible) w.uvarint(total + 1)
      else w.int32(total)
      for (const part of v) w.raw(part)
    },
    minBytes: flexible ? 1 : 4
  }
}
