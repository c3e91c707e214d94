// The TypeScript type of a message body, derived from its definition: a spec
// written `as const satisfies MessageSpec` keeps its field names and types as
// literals, and the mapped types below turn that field list into an object type.
// Nothing here exists at run time; the codec (../codec.ts) is what makes the
// types true, so they follow its rules:
// - Decoded: every field of the definition is present, whatever the version (a
//   field absent in a version decodes to its default). int64 is bigint, uuid a
//   hex string, bytes and records are Buffers. A field is `| null` when it is
//   nullable in some version, defaults to null, or holds records.
// - Encodable (what encodeMessage takes): int64 may be a number, bytes any
//   Uint8Array, records a Buffer or a list of Buffers written back to back. A
//   field may be left out when the codec has something to put there: a default,
//   a tagged field, or a version that does not carry it. Only fields every
//   version carries ("0+") with no default must be given.
// One type covers every version; which fields a version really sends is the
// handler's business (ctx.apiVersion).
import type { FieldSpec, MessageSpec, PrimitiveType } from './spec.js'

/** What the decoder yields for each wire type (see ../codec-primitives.ts). */
interface DecodedPrimitive {
  bool: boolean
  int8: number
  int16: number
  int32: number
  int64: bigint
  uint16: number
  uint32: number
  float64: number
  string: string
  bytes: Buffer
  uuid: string
  records: Buffer
}

/** What the encoder accepts for each wire type. */
interface EncodablePrimitive extends Omit<DecodedPrimitive, 'int64' | 'bytes' | 'records'> {
  int64: bigint | number
  bytes: Uint8Array
  /** Batches read from disk are sent as they are, one after another behind a single length. */
  records: Uint8Array | readonly Uint8Array[]
}

type Mode = 'decoded' | 'encodable'

type Primitive<M extends Mode, T extends PrimitiveType> = M extends 'decoded' ? DecodedPrimitive[T] : EncodablePrimitive[T]

/** Records always may be null (the codec's default for them); others when a version allows null or the default is null. */
type MayBeNull<F extends FieldSpec> =
  F extends { type: 'records' } ? true
    : F extends { nullableVersions: infer R } ? (R extends 'none' ? false : true)
      : F extends { default: null } ? true : false

type ElementValue<F extends FieldSpec, M extends Mode> =
  F['type'] extends infer T
    ? T extends readonly FieldSpec[] ? StructValue<T, M>
      : T extends PrimitiveType ? Primitive<M, T> : never
    : never

type FieldValue<F extends FieldSpec, M extends Mode> =
  | (F extends { array: true } ? (M extends 'decoded' ? Array<ElementValue<F, M>> : ReadonlyArray<ElementValue<F, M>>) : ElementValue<F, M>)
  | (MayBeNull<F> extends true ? null : never)

/** A field the encoder cannot fill in by itself: in every version, not tagged, no default. */
type MustBeGiven<F extends FieldSpec> =
  F extends { versions: '0+' } ? (F extends { default: unknown } | { taggedVersions: string } ? false : true) : false

/** Shows a mapped intersection as one object type in editor hovers and error messages. */
type Flatten<T> = { [K in keyof T]: T[K] } & {}

type StructValue<Fields extends readonly FieldSpec[], M extends Mode> = M extends 'decoded'
  ? DecodedStruct<Fields>
  : EncodableStruct<Fields>

/** The object the decoder returns for this field list. */
export type DecodedStruct<Fields extends readonly FieldSpec[]> = {
  [F in Fields[number] as F['name']]: FieldValue<F, 'decoded'>
}

/** The objects the encoder accepts for this field list. */
export type EncodableStruct<Fields extends readonly FieldSpec[]> = Flatten<{
  [F in Fields[number] as MustBeGiven<F> extends true ? F['name'] : never]: FieldValue<F, 'encodable'>
} & {
  [F in Fields[number] as MustBeGiven<F> extends true ? never : F['name']]?: FieldValue<F, 'encodable'>
}>

/** A body whose definition is only known at run time (a spec typed as plain MessageSpec). */
export type UntypedBody = Record<string, unknown>

/** True for a definition written `as const` (its name is a literal), false for a plain MessageSpec. */
type IsLiteral<S extends MessageSpec> = string extends S['name'] ? false : true

/** What decodeMessage returns for `S` (distributes over a union of definitions). */
export type DecodedBody<S extends MessageSpec> = S extends MessageSpec
  ? IsLiteral<S> extends true ? DecodedStruct<S['fields']> : UntypedBody
  : never

/** What encodeMessage accepts for `S` (distributes over a union of definitions). */
export type EncodableBody<S extends MessageSpec> = S extends MessageSpec
  ? IsLiteral<S> extends true ? EncodableStruct<S['fields']> : object
  : never
