// Fuzz targets on the bus side: the event-pattern parser (and matching with
// what it compiles), the input-transformer template renderer, and the bus's
// JSON API end to end through its HTTP routes (fastify's inject: the real
// route, parser and handlers, without a socket per input).
import fc from 'fast-check'
import { mkdtemp, rm } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Fastify, { type FastifyInstance } from 'fastify'
import { InvalidEventPatternError, matchesPattern, parsePattern, RuleMatcher } from '../../../src/bus/pattern/index.js'
import { renderTemplate, type InputContext } from '../../../src/bus/targets/input.js'
import { buildEnvelope } from '../../../src/bus/envelope.js'
import { EventBus, registerBusRoutes } from '../../../src/bus/index.js'
import { LogManager } from '../../../src/log/index.js'
import { loadConformanceJson } from '../../helpers/conformance.js'
import { mutatedText } from '../mutate.js'
import { jsonValueTooDeep } from '../../../src/bus/json-depth.js'
import { FuzzFinding, type FuzzTarget } from './types.js'

interface PatternCase { name: string, event?: unknown, pattern?: unknown, eventText?: string, patternText?: string }

function patternCases (): PatternCase[] {
  return loadConformanceJson<PatternCase[]>('eventbridge-patterns.json')
}

/** A pattern and, after a newline, an event (JSON text has no raw newline): mutations reach either. */
export const eventPatternTarget = (): FuzzTarget<string> => {
  const cases = patternCases()
  const events = cases.map(c => c.eventText !== undefined ? JSON.parse(c.eventText) as unknown : c.event).filter(e => e !== undefined)
  const seeds = cases.map(c => `${c.patternText ?? JSON.stringify(c.pattern)}\n${c.eventText ?? JSON.stringify(c.event)}`)
  return {
    name: 'event-pattern',
    inputs: () => mutatedText(seeds),
    check: input => {
      const newline = input.indexOf('\n')
      const text = newline < 0 ? input : input.slice(0, newline)
      let compiled
      try {
        compiled = parsePattern(text)
      } catch (err) {
        if (err instanceof InvalidEventPatternError) return
        throw err
      }
      let own: unknown
      try { own = newline < 0 ? undefined : JSON.parse(input.slice(newline + 1)) } catch { own = undefined }
      // a pattern that compiles can be matched against any event without throwing,
      // and the compiled automaton (the fast path) agrees with the reference evaluator
      const matcher = new RuleMatcher()
      matcher.add('fuzzed', compiled)
      const sample = [own, events[input.length % events.length], events[(input.length * 7 + 3) % events.length]]
      for (const event of sample) {
        if (event === undefined || jsonValueTooDeep(event)) continue
        const expected = matchesPattern(compiled, event)
        const fast = matcher.match(event).length > 0
        if (fast !== expected) throw new FuzzFinding(`RuleMatcher says ${fast}, matchesPattern says ${expected} for ${JSON.stringify(event).slice(0, 300)}`)
      }
    }
  }
}

// Input transformer: values that break naive substitution (quotes, backslashes,
// control characters, angle brackets, non-BMP characters) and values of every JSON type.
const TRICKY = 'he said "hi" \\ back\\slash\nnew line\ttab <src> </> \u0000 \u2028 😀'
const trickyDetail = { s: TRICKY, n: -12.5e3, b: true, nil: null, obj: { q: TRICKY, list: [TRICKY, 1] }, list: [TRICKY, 'x', 3] }
// the same numbers and booleans: only the strings differ between the two
const plainDetail = { s: 'plain', n: -12.5e3, b: true, nil: null, obj: { q: 'plain', list: ['plain', 1] }, list: ['plain', 'x', 3] }
const PATHS: Record<string, string> = {
  s: '$.detail.s', n: '$.detail.n', b: '$.detail.b', nil: '$.detail.nil', obj: '$.detail.obj', list: '$.detail.list', missing: '$.detail.none', src: '$.source'
}
const TEMPLATE_SEEDS = [
  '{"s": <s>, "n": <n>, "obj": <obj>}',
  '{"text": "value <s> and <n> and <obj> and <list>", "raw": <list>}',
  '"<s> in a string"',
  '[<s>, <n>, <b>, <nil>, <missing>, "<missing>"]',
  'free text <s> <n> <obj> <aws.events.rule-name> <aws.events.event.json>',
  '{"event": <aws.events.event>, "json": "<aws.events.event.json>", "time": "<aws.events.event.ingestion-time>", "arn": "<aws.events.rule-arn>"}',
  '{"esc": "a \\"quoted\\" <s> \\\\", "k<s>": 1}',
  '<s>'
]

function contextFor (detail: unknown): InputContext {
  const outcome = buildEnvelope({ Source: `src ${TRICKY}`, DetailType: 'fuzz', Detail: JSON.stringify(detail) }, '123456789012', 'us-east-1', 1_700_000_000_000)
  if (!outcome.ok) throw new Error(`TRIB_ERR_FUZZ_SETUP: ${outcome.errorMessage}`)
  return { event: outcome.event, eventText: outcome.text, ruleArn: 'arn:aws:events:us-east-1:123456789012:rule/r', ruleName: 'r', ingestionTime: '2023-11-14T22:13:20Z' }
}

function isJson (text: string): boolean {
  try { JSON.parse(text); return true } catch { return false }
}

export const inputTransformerTarget = (): FuzzTarget<string> => {
  const tricky = contextFor(trickyDetail)
  const plain = contextFor(plainDetail)
  return {
    name: 'input-transformer',
    inputs: () => fc.oneof(
      { weight: 4, arbitrary: mutatedText(TEMPLATE_SEEDS) },
      // templates built from the characters that matter to the renderer
      { weight: 1, arbitrary: fc.array(fc.constantFrom('<s>', '<obj>', '<list>', '<n>', '<missing>', '<aws.events.event>', '"', '\\', '{', '}', '[', ']', ':', ',', ' ', 'a', '<', '>', '1'), { maxLength: 40 }).map(parts => parts.join('')) }
    ),
    check: template => {
      const out = renderTemplate(template, PATHS, tricky)
      // Metamorphic: a JSON template (one that opens with {, [ or ", as EventBridge
      // tells JSON from text) that renders to JSON with plain values must still be
      // JSON when the same values carry quotes, backslashes and control characters.
      // A text template substitutes values as they are.
      if (/^\s*[[{"]/.test(template) && isJson(renderTemplate(template, PATHS, plain)) && !isJson(out)) {
        throw new FuzzFinding(`template renders to JSON with plain values but not with these: ${JSON.stringify(out.slice(0, 300))}`)
      }
    }
  }
}

/** One valid request per action, to be mutated (the first line is the action). */
const BUS_SEEDS: Array<[string, unknown]> = [
  ['PutEvents', { Entries: [{ Source: 'app', DetailType: 'order', Detail: '{"id":1,"items":[1,2]}', Resources: ['arn:aws:s3:::b'], Time: '2024-01-01T00:00:00Z' }, { Source: 'x', DetailType: 'y', Detail: '{}' }] }],
  ['PutRule', { Name: 'fuzz-rule', EventPattern: '{"source":["app"],"detail":{"id":[{"numeric":[">",0]}]}}', State: 'ENABLED', Description: 'd' }],
  ['PutRule', { Name: 'fuzz-cron', ScheduleExpression: 'rate(5 minutes)' }],
  ['PutTargets', { Rule: 'fuzz-rule', Targets: [{ Id: 't1', Arn: 'arn:aws:events:us-east-1:123456789012:event-bus/default', InputTransformer: { InputPathsMap: { id: '$.detail.id' }, InputTemplate: '{"id": <id>}' }, RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 60 } }] }],
  ['TestEventPattern', { EventPattern: '{"detail":{"a":[{"prefix":"x"}]}}', Event: '{"id":"1","account":"1","source":"s","time":"2024-01-01T00:00:00Z","region":"r","detail-type":"d","resources":[],"detail":{"a":"xy"}}' }],
  ['CreateEventBus', { Name: 'fuzz-bus', Tags: [{ Key: 'k', Value: 'v' }] }],
  ['CreateArchive', { ArchiveName: 'fuzz-archive', EventSourceArn: 'arn:aws:events:us-east-1:123456789012:event-bus/default', EventPattern: '{"source":["app"]}', RetentionDays: 1 }],
  ['StartReplay', { ReplayName: 'fuzz-replay', EventSourceArn: 'arn:aws:events:us-east-1:123456789012:archive/fuzz-archive', EventStartTime: 1_700_000_000, EventEndTime: 1_700_000_060, Destination: { Arn: 'arn:aws:events:us-east-1:123456789012:event-bus/default' } }],
  ['CreateConnection', { Name: 'fuzz-conn', AuthorizationType: 'API_KEY', AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: 'k', ApiKeyValue: 'v' } } }],
  ['CreateApiDestination', { Name: 'fuzz-dest', ConnectionArn: 'arn:aws:events:us-east-1:123456789012:connection/fuzz-conn/1', InvocationEndpoint: 'http://127.0.0.1:9/x', HttpMethod: 'POST' }],
  ['ListRules', { NamePrefix: 'fuzz', Limit: 10 }],
  ['DescribeRule', { Name: 'fuzz-rule' }],
  ['ListTargetsByRule', { Rule: 'fuzz-rule', NextToken: 'abc', Limit: 5 }],
  ['TagResource', { ResourceARN: 'arn:aws:events:us-east-1:123456789012:rule/fuzz-rule', Tags: [{ Key: 'a', Value: 'b' }] }],
  ['RemoveTargets', { Rule: 'fuzz-rule', Ids: ['t1'] }],
  ['DeleteRule', { Name: 'fuzz-cron' }]
]

/** A JSON value to put in place of a field: any type, including the wrong one. */
const anyJson = fc.jsonValue({ maxDepth: 3 })

function structurallyMutated (): fc.Arbitrary<string> {
  return fc.tuple(fc.nat({ max: BUS_SEEDS.length - 1 }), fc.nat(), fc.option(anyJson, { nil: undefined }), fc.boolean()).map(([i, pick, replacement, deep]) => {
    const [action, seed] = BUS_SEEDS[i]!
    const body = structuredClone(seed) as Record<string, unknown>
    // a field of the request, or of its first entry / target
    let holder: Record<string, unknown> = body
    const nested = Object.values(body).find(v => Array.isArray(v) && typeof v[0] === 'object') as Array<Record<string, unknown>> | undefined
    if (deep && nested?.[0] !== undefined) holder = nested[0]
    const keys = Object.keys(holder)
    const key = keys[pick % keys.length]!
    if (replacement === undefined) Reflect.deleteProperty(holder, key)
    else holder[key] = replacement
    return `${action}\n${JSON.stringify(body)}`
  })
}

function textMutated (): fc.Arbitrary<string> {
  return fc.oneof(...BUS_SEEDS.map(([action, body]) => mutatedText([JSON.stringify(body)]).map(text => `${action}\n${text}`)))
}

/**
 * The bus the bus-json target drives, recycled every RECYCLE_EVERY inputs:
 * every accepted PutEvents, archive and new bus adds files, and one bus kept
 * for a long run grew its data directory to 23 GB (in /dev/shm, where it took
 * the machine's memory). The directory lives on disk under the temp directory
 * and is deleted at each recycle, so a run holds at most one batch's worth.
 */
const RECYCLE_EVERY = Number(process.env.FUZZ_BUS_RECYCLE ?? 2000)

interface OpenBus { app: FastifyInstance, close: () => Promise<void>, dir: string }

async function openBus (): Promise<OpenBus> {
  const dir = await mkdtemp(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'tributary-fuzz-bus-'))
  const log = await LogManager.open(dir, { logCleanerIntervalMs: 0 })
  const bus = new EventBus({ dataDir: dir, log, accountId: '123456789012', region: 'us-east-1' })
  await bus.open()
  const app = Fastify({ logger: false, bodyLimit: 8 * 1024 * 1024 })
  registerBusRoutes(app, bus)
  await app.ready()
  return {
    app,
    dir,
    close: async () => {
      await app.close()
      await bus.close()
      await log.close()
      await rm(dir, { recursive: true, force: true })
    }
  }
}

let current: OpenBus | null = null
let sinceRecycle = 0

export const busJsonTarget = (): FuzzTarget<string> => ({
  name: 'bus-json',
  inputs: () => fc.oneof(structurallyMutated(), textMutated()),
  open: async () => {
    current = await openBus()
    sinceRecycle = 0
    return async () => {
      const open = current
      current = null
      await open?.close()
    }
  },
  check: async input => {
    if (current === null) throw new Error('TRIB_ERR_FUZZ_SETUP: bus-json target not opened')
    if (++sinceRecycle > RECYCLE_EVERY) {
      await current.close()
      current = await openBus()
      sinceRecycle = 1
    }
    const app = current.app
    const newline = input.indexOf('\n')
    const action = newline < 0 ? input : input.slice(0, newline)
    const response = await app.inject({
      method: 'POST',
      url: '/',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSEvents.${action}` },
      payload: newline < 0 ? '' : input.slice(newline + 1)
    })
    if (response.statusCode >= 500) throw new FuzzFinding(`${action} answered ${response.statusCode}: ${response.body.slice(0, 300)}`)
    if (response.statusCode !== 200) {
      const type = (JSON.parse(response.body) as { __type?: unknown }).__type
      if (typeof type !== 'string') throw new FuzzFinding(`${action} answered ${response.statusCode} without an AWS error type: ${response.body.slice(0, 300)}`)
    }
  }
})
