// The target scenario (librdkafka produce, acks=all) is measured in rounds: each round runs the client
// against librdkafka's mock, probes the disk both ways, then runs the client against Tributary, back to
// back, so the ratio of a round compares figures taken within seconds of each other on a machine whose
// load and disk speed swing from one minute to the next. The reported figure is the median round.
import { mbPerSecond, type GroupCommitRate, type Rate } from './limits.js'
import type { Limit } from './report.js'

export interface Round {
  mock: Rate | Error
  /** The disk limit: sequential 1 MiB writes, each fdatasync'ed. */
  diskSequential: Rate | Error
  /** Stricter reference: appends beside back-to-back fdatasync, as a group-committing log does. */
  diskGroupCommit: GroupCommitRate | Error
  broker: Rate | Error
}

export interface RoundRatios {
  /** Lowest of mock, fsynced sequential disk and loopback TCP (the definition). */
  limit: Limit | null
  ratio: number | null
  /** Lowest of mock, group-commit disk and loopback TCP. */
  referenceLimit: Limit | null
  referenceRatio: number | null
}

const limitOf = (name: string, rate: Rate | Error): Limit | null => (rate instanceof Error ? null : { name, mbPerSecond: mbPerSecond(rate) })

export function lowest (limits: Array<Limit | null>): Limit | null {
  const known = limits.filter((l): l is Limit => l !== null && Number.isFinite(l.mbPerSecond) && l.mbPerSecond > 0)
  return known.length === 0 ? null : known.reduce((a, b) => (b.mbPerSecond < a.mbPerSecond ? b : a))
}

export function ratiosOf (round: Round, tcp: Limit | null, client: string): RoundRatios {
  const mock = limitOf(`${client} -> mock`, round.mock)
  const limit = lowest([mock, limitOf('disk, fsynced sequential writes', round.diskSequential), tcp])
  const referenceLimit = lowest([mock, limitOf('disk, group commit', round.diskGroupCommit), tcp])
  const broker = round.broker instanceof Error ? null : mbPerSecond(round.broker)
  return {
    limit,
    ratio: broker === null || limit === null ? null : broker / limit.mbPerSecond,
    referenceLimit,
    referenceRatio: broker === null || referenceLimit === null ? null : broker / referenceLimit.mbPerSecond
  }
}

/** The round with the median ratio (the lower middle one for an even count); null if none has a ratio. */
export function medianRound (ratios: RoundRatios[]): number | null {
  const measured = ratios.map((r, i) => ({ i, ratio: r.ratio })).filter((r): r is { i: number, ratio: number } => r.ratio !== null)
  if (measured.length === 0) return null
  measured.sort((a, b) => a.ratio - b.ratio)
  return measured[Math.floor((measured.length - 1) / 2)]!.i
}
