// Kafka's version-range notation ("0+", "3-5", "7", "none"), parsed once and cached.
import { TributaryError, TributaryErrorCode } from '../../errors.js'
import type { VersionRange } from './spec.js'

export interface ParsedVersions {
  /** Lowest version in the range; Infinity for "none". */
  readonly min: number
  /** Highest version in the range (Infinity for "N+"); -Infinity for "none". */
  readonly max: number
}

const NONE: ParsedVersions = Object.freeze({ min: Infinity, max: -Infinity })
const cache = new Map<string, ParsedVersions>()

export function parseVersions (range: VersionRange | undefined): ParsedVersions {
  if (range === undefined) return NONE
  let parsed = cache.get(range)
  if (parsed !== undefined) return parsed
  parsed = parseUncached(range.trim())
  cache.set(range, parsed)
  return parsed
}

function parseUncached (range: string): ParsedVersions {
  if (range === 'none' || range === '') return NONE
  let m = /^(\d+)\+$/.exec(range)
  if (m !== null) return Object.freeze({ min: Number(m[1]), max: Infinity })
  m = /^(\d+)-(\d+)$/.exec(range)
  if (m !== null && Number(m[1]) <= Number(m[2])) return Object.freeze({ min: Number(m[1]), max: Number(m[2]) })
  m = /^(\d+)$/.exec(range)
  if (m !== null) return Object.freeze({ min: Number(m[1]), max: Number(m[1]) })
  throw new TributaryError(TributaryErrorCode.UNSUPPORTED_VERSION, `invalid version range ${JSON.stringify(range)}`)
}

/** True if `version` is inside `range` (undefined counts as "none"). */
export function inVersions (range: VersionRange | undefined, version: number): boolean {
  const p = parseVersions(range)
  return version >= p.min && version <= p.max
}
