// Compiles a message definition at one version into a plan: per field, a decode
// and an encode closure chosen once (compact or not, nullable or not, tagged or
// not), so the per-message work is a straight loop with no version checks.
import { malformed } from '../errors.js'
import { inVersions } from './messages/versions.js'
import type { FieldSpec, PrimitiveType } from './messages/spec.js'
import type { Reader } from './primitives/reader.js'
import { Writer } from './primitives/writer.js'

import { compilePrimitive, encodeError, type Decode, type ElementPlan, type Encode } from './codec-primitives.js'

/** A struct's value: field name → value (the typed view is ./messages/body-types.ts). */
type StructValue = Record<string, unknown>

export interface StructPlan {
  decode: (r: Reader) => StructValue
  encode: (w: Writer, value: unknown) => void
  /** The decoded value of a struct whose every field has its default. */
  makeDefault: () => StructValue
  isDefault: (value: unknown) => boolean
  /** Fewest bytes one encoded instance takes (bounds array counts before looping). */
  minBytes: number
}

interface FieldPlan {
  name: string
  /** 0: on the wire in order; 1: tagged; 2: absent in this version. */
  mode: 0 | 1 | 2
  tag: number
  decode: Decode
  encode: Encode
  /** Value used when absent (decode) or undefined (encode). */
  makeDefault: () => unknown
  isDefault: (v: unknown) => boolean
  minBytes: number
}

const ON_WIRE = 0
const TAGGED = 1
const ABSENT = 2

function typeDefault (type: PrimitiveType): unknown {
  switch (type) {
    case 'bool': return false
    case 'int64': return 0n
    case 'string': return ''
    case 'uuid': return '00000000000000000000000000000000'
    case 'bytes': return Buffer.alloc(0)
    case 'records': return null
    default: return 0
  }
}

function normalizeDefault (type: PrimitiveType, value: unknown): unknown {
  if (type === 'int64' && (typeof value === 'number' || typeof value === 'string')) return BigInt(value)
  return value
}

/** Compiles a field list (a message or a struct) at a version. */
export function compileStruct (fields: readonly FieldSpec[], version: number, flexible: boolean): StructPlan {
  const plans = fields.map(f => compileField(f, version, flexible))
  const onWire = plans.filter(p => p.mode === ON_WIRE)
  const tagged = plans.filter(p => p.mode === TAGGED).sort((a, b) => a.tag - b.tag)
  const byTag = new Map(tagged.map(p => [p.tag, p]))
  const count = plans.length

  const makeDefault = (): StructValue => {
    const o: StructValue = {}
    for (let i = 0; i < count; i++) o[plans[i]!.name] = plans[i]!.makeDefault()
    return o
  }

  const decode = (r: Reader): StructValue => {
    const o: StructValue = {}
    for (let i = 0; i < count; i++) {
      const p = plans[i]!
      o[p.name] = p.mode === ON_WIRE ? p.decode(r) : p.makeDefault()
    }
    if (flexible) {
      r.taggedFields((tag, field) => {
        const p = byTag.get(tag)
        if (p !== undefined) o[p.name] = p.decode(field)
      })
    }
    return o
  }

  const encode = (w: Writer, given: unknown): void => {
    if (given === null || typeof given !== 'object') throw encodeError(fields.map(f => f.name).join(','), `expected an object, got ${given === null ? 'null' : typeof given}`)
    const value = given as StructValue
    for (let i = 0; i < onWire.length; i++) {
      const p = onWire[i]!
      const v = value[p.name]
      p.encode(w, v === undefined ? p.makeDefault() : v)
    }
    if (flexible) writeTaggedSection(w, tagged, value)
  }

  const isDefault = (given: unknown): boolean => {
    if (given === null || given === undefined) return true
    const value = given as StructValue
    for (const p of plans) {
      if (p.mode === ABSENT) continue
      const v = value[p.name]
      if (v !== undefined && !p.isDefault(v)) return false
    }
    return true
  }

  let minBytes = flexible ? 1 : 0
  for (const p of onWire) minBytes += p.minBytes
  return { decode, encode, makeDefault, isDefault, minBytes }
}

function writeTaggedSection (w: Writer, tagged: FieldPlan[], value: StructValue): void {
  if (tagged.length === 0) { w.uvarint(0); return }
  let present: FieldPlan[] | undefined
  for (const p of tagged) {
    const v = value[p.name]
    if (v !== undefined && !p.isDefault(v)) (present ??= []).push(p)
  }
  if (present === undefined) { w.uvarint(0); return }
  w.uvarint(present.length)
  for (const p of present) {
    const sub = new Writer(64)
    p.encode(sub, value[p.name])
    w.uvarint(p.tag)
    w.uvarint(sub.length)
    w.append(sub)
  }
}

function compileField (f: FieldSpec, version: number, messageFlexible: boolean): FieldPlan {
  const present = inVersions(f.versions, version)
  const flexible = messageFlexible && (f.flexibleVersions === undefined || inVersions(f.flexibleVersions, version))
  const nullable = inVersions(f.nullableVersions, version)
  const isTagged = messageFlexible && f.taggedVersions !== undefined && inVersions(f.taggedVersions, version)
  const name = f.name

  // A string names a primitive; anything else is a struct's field list (typeof narrows a readonly array, Array.isArray does not).
  const primitiveType = typeof f.type === 'string' ? f.type : undefined
  let element: ElementPlan
  let structPlan: StructPlan | undefined
  if (typeof f.type !== 'string') {
    element = structPlan = compileStruct(f.type, version, flexible)
  } else {
    element = compilePrimitive(f.type, flexible, nullable && f.array !== true, name)
  }

  const explicitDefault = f.default !== undefined
  const anyNullable = f.nullableVersions !== undefined && f.nullableVersions !== 'none'

  let decode: Decode
  let encode: Encode
  let makeDefault: () => unknown
  let isDefault: (v: unknown) => boolean
  let minBytes: number

  if (f.array === true) {
    decode = compileArrayDecode(element.decode, element.minBytes, flexible, nullable, name)
    encode = compileArrayEncode(element.encode, flexible, nullable, name)
    const defaultIsNull = explicitDefault ? f.default === null : anyNullable && !present ? true : nullable
    makeDefault = defaultIsNull ? () => null : () => []
    isDefault = defaultIsNull ? v => v === null : v => Array.isArray(v) && v.length === 0
    minBytes = flexible ? 1 : 4
  } else if (structPlan !== undefined) {
    const struct = structPlan
    if (nullable) {
      decode = r => r.int8() < 0 ? null : struct.decode(r)
      encode = (w, v) => {
        if (v === null) { w.int8(-1); return }
        w.int8(1)
        struct.encode(w, v)
      }
      minBytes = 1
    } else {
      decode = struct.decode
      encode = (w, v) => {
        if (v === null) throw encodeError(name, 'null in a non-nullable struct')
        struct.encode(w, v)
      }
      minBytes = struct.minBytes
    }
    const defaultIsNull = explicitDefault ? f.default === null : nullable
    makeDefault = defaultIsNull ? () => null : struct.makeDefault
    isDefault = defaultIsNull ? v => v === null : struct.isDefault
  } else {
    const type = primitiveType!
    decode = element.decode
    encode = element.encode
    minBytes = element.minBytes
    let dflt: unknown
    if (explicitDefault) dflt = normalizeDefault(type, f.default)
    else if (nullable || (anyNullable && !present) || type === 'records') dflt = null
    else dflt = typeDefault(type)
    if (type === 'bytes' && dflt !== null) {
      makeDefault = () => Buffer.alloc(0)
      isDefault = v => v instanceof Uint8Array && v.length === 0
    } else {
      const constant = dflt
      makeDefault = () => constant
      isDefault = v => v === constant
    }
  }

  return {
    name,
    mode: !present ? ABSENT : isTagged ? TAGGED : ON_WIRE,
    tag: f.tag ?? -1,
    decode,
    encode,
    makeDefault,
    isDefault,
    minBytes
  }
}

function compileArrayDecode (decodeElement: Decode, minElementBytes: number, flexible: boolean, nullable: boolean, name: string): Decode {
  return (r: Reader) => {
    const n = flexible ? r.compactArrayLength(minElementBytes) : r.arrayLength(minElementBytes)
    if (n === -1) {
      if (nullable) return null
      throw malformed(`null array in non-nullable field ${name}`)
    }
    const out = new Array(n)
    for (let i = 0; i < n; i++) out[i] = decodeElement(r)
    return out
  }
}

function compileArrayEncode (encodeElement: Encode, flexible: boolean, nullable: boolean, name: string): Encode {
  return (w: Writer, v: unknown) => {
    if (v === null) {
      if (!nullable) throw encodeError(name, 'null in a non-nullable array')
      if (flexible) w.uvarint(0)
      else w.int32(-1)
      return
    }
    if (!Array.isArray(v)) throw encodeError(name, 'expected an array')
    if (flexible) w.uvarint(v.length + 1)
    else w.int32(v.length)
    for (let i = 0; i < v.length; i++) encodeElement(w, v[i])
  }
}
