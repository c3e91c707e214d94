// The one way tests load the shared conformance files (captured Kafka wire bytes,
// AWS-validated EventBridge patterns). They live outside the repository, in a
// `shared/conformance` folder beside it; a checkout nested deeper (a git worktree
// such as /work/wt/<name>) finds it by walking up, and TRIBUTARY_CONFORMANCE_DIR
// overrides the search. A missing file fails the test loudly rather than skipping.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** One message body captured on the wire by the kafkajs project. */
export interface WireFixture {
  readonly api: string
  readonly version: number
  readonly kind: 'request' | 'response'
  readonly variant: string
  readonly hex: string
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

function conformanceDir (): string {
  const override = process.env.TRIBUTARY_CONFORMANCE_DIR
  if (override !== undefined && override !== '') return resolve(override)
  for (let dir = dirname(repoRoot); ; dir = dirname(dir)) {
    const candidate = join(dir, 'shared', 'conformance')
    if (existsSync(candidate)) return candidate
    if (dirname(dir) === dir) break
  }
  throw new Error(`TRIB_ERR_TEST_NO_CONFORMANCE: no shared/conformance folder above ${repoRoot}; set TRIBUTARY_CONFORMANCE_DIR`)
}

/** Parses one JSON file of the conformance folder. */
export function loadConformanceJson<T> (name: string): T {
  return JSON.parse(readFileSync(join(conformanceDir(), name), 'utf8')) as T
}

let wireFixtures: readonly WireFixture[] | undefined

/** Every captured Kafka message body (kafka-wire-fixtures.json), parsed once per process. */
export function kafkaWireFixtures (): readonly WireFixture[] {
  wireFixtures ??= loadConformanceJson<WireFixture[]>('kafka-wire-fixtures.json')
  return wireFixtures
}
