// The -o language, form by form, with a fixed "now".
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseOffsetSpec, parseTime, OffsetSpecError } from '../../src/cli/offset-spec.js'

const now = Date.UTC(2026, 5, 15, 12, 0, 0)

test('start, end and their aliases name the ends of the log', () => {
  assert.deepEqual(parseOffsetSpec('start', now), { from: { kind: 'start' } })
  assert.deepEqual(parseOffsetSpec('oldest', now), { from: { kind: 'start' } })
  assert.deepEqual(parseOffsetSpec('end', now), { from: { kind: 'end' } })
})

test('N, +N and -N are an absolute offset, N after the start and N before the end', () => {
  assert.deepEqual(parseOffsetSpec('42', now), { from: { kind: 'offset', offset: 42 } })
  assert.deepEqual(parseOffsetSpec('+3', now), { from: { kind: 'afterStart', count: 3 } })
  assert.deepEqual(parseOffsetSpec('-3', now), { from: { kind: 'beforeEnd', count: 3 } })
})

test('N:M is a half-open offset range and N: runs to the end seen at start-up', () => {
  assert.deepEqual(parseOffsetSpec('2:5', now), { from: { kind: 'offset', offset: 2 }, until: { kind: 'offset', offset: 5 } })
  assert.deepEqual(parseOffsetSpec('7:', now), { from: { kind: 'offset', offset: 7 }, until: { kind: 'end' } })
  assert.throws(() => parseOffsetSpec('5:2', now), /ends before it starts/)
})

test('times are epoch ms, epoch s, RFC 3339, dates or relative to now', () => {
  assert.equal(parseTime('1767225600000', now), 1767225600000)
  assert.equal(parseTime('1767225600', now), 1767225600000)
  assert.equal(parseTime('2026-01-01T00:00:00Z', now), Date.UTC(2026, 0, 1))
  assert.equal(parseTime('2026-01-01T02:00:00+02:00', now), Date.UTC(2026, 0, 1))
  assert.equal(parseTime('2026-01-01T00:00:00.250Z', now), Date.UTC(2026, 0, 1) + 250)
  assert.equal(parseTime('2026-01-01', now), Date.UTC(2026, 0, 1))
  assert.equal(parseTime('-1h', now), now - 3_600_000)
  assert.equal(parseTime('-10m', now), now - 600_000)
  assert.equal(parseTime('-30s', now), now - 30_000)
  assert.equal(parseTime('-2d', now), now - 2 * 86_400_000)
  assert.equal(parseTime('+1w', now), now + 7 * 86_400_000)
})

test('@T starts at a time, @T1:T2 is a time window and @T: runs until now', () => {
  assert.deepEqual(parseOffsetSpec('@-1h', now), { from: { kind: 'time', ms: now - 3_600_000 } })
  assert.deepEqual(parseOffsetSpec('@-10m:', now), { from: { kind: 'time', ms: now - 600_000 }, until: { kind: 'time', ms: now } })
  assert.deepEqual(parseOffsetSpec('@2026-01-01T00:00:00Z:2026-01-02T00:00:00Z', now),
    { from: { kind: 'time', ms: Date.UTC(2026, 0, 1) }, until: { kind: 'time', ms: Date.UTC(2026, 0, 2) } })
  assert.deepEqual(parseOffsetSpec('@2026-01-01:2026-01-03', now),
    { from: { kind: 'time', ms: Date.UTC(2026, 0, 1) }, until: { kind: 'time', ms: Date.UTC(2026, 0, 3) } })
  assert.deepEqual(parseOffsetSpec('@2026-01-01T10:30:00Z', now), { from: { kind: 'time', ms: Date.UTC(2026, 0, 1, 10, 30) } })
})

test('malformed offsets and times are refused with the reason', () => {
  for (const bad of ['', 'later', '1.5', '+x', '@', '@yesterday', '@2026-02-30', '@2026-13-01', '@-1y', '@2026-01-02:2026-01-01', 'a:b']) {
    assert.throws(() => parseOffsetSpec(bad, now), OffsetSpecError, `"${bad}" should be refused`)
  }
})
