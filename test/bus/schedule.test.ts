import { test } from 'node:test'
import assert from 'node:assert/strict'
import { nextFireTime, parseSchedule } from '../../src/bus/schedule.js'

const utc = (s: string): number => Date.parse(`${s}Z`)
const next = (expr: string, after: string): string => new Date(nextFireTime(parseSchedule(expr)!, utc(after))!).toISOString()

test('rate expressions need a positive value and a unit agreeing in number', () => {
  assert.deepEqual(parseSchedule('rate(5 minutes)'), { kind: 'rate', everyMs: 300_000 })
  assert.deepEqual(parseSchedule('rate(1 hour)'), { kind: 'rate', everyMs: 3_600_000 })
  assert.deepEqual(parseSchedule('rate(2 days)'), { kind: 'rate', everyMs: 172_800_000 })
  for (const bad of ['rate(1 minutes)', 'rate(5 minute)', 'rate(0 minutes)', 'rate(5 weeks)', 'rate(five minutes)']) assert.equal(parseSchedule(bad), null, bad)
})

test('a rate fires on its period counted from the anchor', () => {
  const schedule = parseSchedule('rate(5 minutes)')!
  assert.equal(nextFireTime(schedule, 1_000, 0), 300_000)
  assert.equal(nextFireTime(schedule, 300_000, 0), 600_000)
})

test('cron needs six fields and exactly one of day-of-month and day-of-week as ?', () => {
  assert.ok(parseSchedule('cron(0 12 * * ? *)'))
  assert.equal(parseSchedule('cron(0 12 * * * *)'), null)
  assert.equal(parseSchedule('cron(0 12 ? * ? *)'), null)
  assert.equal(parseSchedule('cron(0 12 * *)'), null)
  assert.equal(parseSchedule('cron(60 12 * * ? *)'), null)
})

test('cron fires at the next matching minute in UTC', () => {
  assert.equal(next('cron(0 12 * * ? *)', '2024-05-01T11:00:00'), '2024-05-01T12:00:00.000Z')
  assert.equal(next('cron(0 12 * * ? *)', '2024-05-01T12:00:00'), '2024-05-02T12:00:00.000Z')
  assert.equal(next('cron(0/15 * * * ? *)', '2024-05-01T10:16:00'), '2024-05-01T10:30:00.000Z')
  assert.equal(next('cron(0 18 ? * MON-FRI *)', '2024-05-03T19:00:00'), '2024-05-06T18:00:00.000Z')
  assert.equal(next('cron(0 8 1 * ? *)', '2024-05-01T09:00:00'), '2024-06-01T08:00:00.000Z')
  assert.equal(next('cron(0 0 L * ? *)', '2024-02-01T00:00:00'), '2024-02-29T00:00:00.000Z')
  assert.equal(next('cron(0 10 ? * 6#3 *)', '2024-05-01T00:00:00'), '2024-05-17T10:00:00.000Z')
  assert.equal(next('cron(0 10 ? * 2L *)', '2024-05-01T00:00:00'), '2024-05-27T10:00:00.000Z')
  assert.equal(next('cron(0 9 15W * ? *)', '2024-06-01T00:00:00'), '2024-06-14T09:00:00.000Z')
  assert.equal(next('cron(30 1 * JAN ? 2030)', '2024-06-01T00:00:00'), '2030-01-01T01:30:00.000Z')
})

test('a cron with no future firing answers null', () => {
  assert.equal(nextFireTime(parseSchedule('cron(0 0 1 1 ? 2020)')!, utc('2024-01-01T00:00:00')), null)
})
