// The declarative shape of a Kafka message, modelled on Apache Kafka's own
// message definitions (clients/src/main/resources/common/message/*.json):
// one definition covers every version of a message, each field carrying the
// range of versions it exists in, is nullable in, or is tagged in. A generic
// reader and writer (../codec.ts) interpret these definitions, so adding a
// version is a change of ranges, never a new hand-written codec.
//
// Each definition is written `as const satisfies ApiSpec`: checked against these
// interfaces, yet keeping its literal field names and types, from which
// ./body-types.ts derives the TypeScript type of every request and response.

/** Wire types, named as Kafka's definitions name them. */
export type PrimitiveType =
  | 'bool' | 'int8' | 'int16' | 'int32' | 'int64' | 'uint16' | 'uint32' | 'float64'
  | 'string' | 'bytes' | 'uuid' | 'records'

/**
 * A version range written as Kafka writes it: "0+", "3-5", "7", or "none".
 * Parsed once by `parseVersions` in ./versions.ts.
 */
export type VersionRange = string

export interface FieldSpec {
  /** camelCase name of the field in the decoded object (Kafka's name with a lower-case first letter). */
  name: string
  /** A primitive, or the fields of a struct. */
  type: PrimitiveType | readonly FieldSpec[]
  /** True for arrays (Kafka's "[]type"); arrays of structs have `type` as a field list. */
  array?: boolean
  /** Versions the field is present in. */
  versions: VersionRange
  /** Versions where the field may be null (strings, bytes, records, arrays). */
  nullableVersions?: VersionRange
  /** Versions where the field is a tagged field (only meaningful in flexible versions). */
  taggedVersions?: VersionRange
  /** The tag number, when `taggedVersions` is set. */
  tag?: number
  /**
   * Overrides the message's flexibleVersions for this one field (Kafka uses it once:
   * the request header's ClientId stays a non-compact string in header v2, "none").
   */
  flexibleVersions?: VersionRange
  /**
   * Value used when the field is absent in a version (decoding) or missing from the
   * object being encoded. Defaults: 0 / 0n / false / '' / [] / null for nullable fields.
   */
  default?: unknown
}

export interface MessageSpec {
  /** Kafka's message name, e.g. "ProduceRequest". */
  name: string
  /** Versions from which this message uses the flexible encoding (compact types, tagged fields). */
  flexibleVersions: VersionRange
  fields: readonly FieldSpec[]
}

/** One Kafka API: its key, the versions we implement, and both message definitions. */
export interface ApiSpec {
  apiKey: number
  /** Kafka's API name, e.g. "Produce". */
  name: string
  /** Lowest and highest version we accept and advertise in ApiVersions. */
  minVersion: number
  maxVersion: number
  request: MessageSpec
  response: MessageSpec
}
