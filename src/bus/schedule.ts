// ScheduleExpression: rate(N unit) and AWS's six-field cron
// (minutes hours day-of-month month day-of-week year, UTC). One of
// day-of-month and day-of-week must be '?'.
export type Schedule =
  | { kind: 'rate', everyMs: number }
  | { kind: 'cron', cron: CronSpec }

export interface CronSpec {
  minutes: Set<number>
  hours: Set<number>
  months: Set<number>
  years: Set<number> | null
  dayOfMonth: DayOfMonthSpec | null
  dayOfWeek: DayOfWeekSpec | null
}
type DayOfMonthSpec = { kind: 'set', days: Set<number> } | { kind: 'last', offset: number } | { kind: 'lastWeekday' } | { kind: 'nearestWeekday', day: number }
type DayOfWeekSpec = { kind: 'set', days: Set<number> } | { kind: 'last', day: number } | { kind: 'nth', day: number, nth: number }

const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 }
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC']
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT']

/** Returns null when the expression is not valid (the caller words the error). */
export function parseSchedule (expression: string): Schedule | null {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression)
  if (rate) {
    const [, amount, unit = ''] = rate
    const value = Number(amount)
    const plural = unit.endsWith('s')
    const unitMs = UNIT_MS[plural ? unit.slice(0, -1) : unit]
    if (unitMs === undefined || value < 1 || (value === 1) === plural) return null
    return { kind: 'rate', everyMs: value * unitMs }
  }
  const fields = /^cron\((.*)\)$/.exec(expression)?.[1]
  if (fields === undefined) return null
  const spec = parseCron(fields.trim().split(/\s+/))
  return spec ? { kind: 'cron', cron: spec } : null
}

function parseCron (fields: string[]): CronSpec | null {
  const [min, hour, dom, month, dow, year] = fields
  if (fields.length !== 6 || min === undefined || hour === undefined || dom === undefined || month === undefined || dow === undefined || year === undefined) return null
  if ((dom === '?') === (dow === '?')) return null
  const minutes = parseSet(min, 0, 59)
  const hours = parseSet(hour, 0, 23)
  const months = parseSet(month, 1, 12, MONTHS, 1)
  const years = year === '*' ? null : parseSet(year, 1970, 2199)
  if (!minutes || !hours || !months || (year !== '*' && !years)) return null
  const dayOfMonth = dom === '?' ? null : parseDayOfMonth(dom)
  const dayOfWeek = dow === '?' ? null : parseDayOfWeek(dow)
  if ((dom !== '?' && !dayOfMonth) || (dow !== '?' && !dayOfWeek)) return null
  return { minutes, hours, months, years, dayOfMonth, dayOfWeek }
}

/** NaN for text that is neither a number nor one of `names` (or is missing), which every caller refuses. */
function parseValue (text: string | undefined, names?: string[], nameBase = 0): number {
  if (text === undefined) return Number.NaN
  if (/^\d+$/.test(text)) return Number(text)
  const index = names?.indexOf(text.toUpperCase()) ?? -1
  return index < 0 ? Number.NaN : index + nameBase
}

function parseSet (text: string, low: number, high: number, names?: string[], nameBase = 0): Set<number> | null {
  const out = new Set<number>()
  for (const part of text.split(',')) {
    const [range = '', stepText] = part.split('/')
    const step = stepText === undefined ? 1 : Number(stepText)
    if (!Number.isInteger(step) || step < 1) return null
    let from: number
    let to: number
    if (range === '*') {
      from = low
      to = high
    } else if (range.includes('-')) {
      const [a, b] = range.split('-')
      from = parseValue(a, names, nameBase)
      to = parseValue(b, names, nameBase)
    } else {
      from = parseValue(range, names, nameBase)
      to = stepText === undefined ? from : high
    }
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < low || to > high || from > to) return null
    for (let v = from; v <= to; v += step) out.add(v)
  }
  return out
}

function parseDayOfMonth (text: string): DayOfMonthSpec | null {
  if (text === 'L') return { kind: 'last', offset: 0 }
  if (text === 'LW') return { kind: 'lastWeekday' }
  const lastOffset = /^L-(\d+)$/.exec(text)
  if (lastOffset) return { kind: 'last', offset: Number(lastOffset[1]) }
  const weekday = /^(\d+)W$/.exec(text)
  if (weekday) {
    const day = Number(weekday[1])
    return day >= 1 && day <= 31 ? { kind: 'nearestWeekday', day } : null
  }
  const days = parseSet(text, 1, 31)
  return days ? { kind: 'set', days } : null
}

function parseDayOfWeek (text: string): DayOfWeekSpec | null {
  const last = /^(\w+)L$/.exec(text)
  if (last) {
    const day = parseValue(last[1], DAYS, 1)
    return day >= 1 && day <= 7 ? { kind: 'last', day } : null
  }
  if (text === 'L') return { kind: 'last', day: 7 }
  const nth = /^(\w+)#(\d)$/.exec(text)
  if (nth) {
    const day = parseValue(nth[1], DAYS, 1)
    const n = Number(nth[2])
    return day >= 1 && day <= 7 && n >= 1 && n <= 5 ? { kind: 'nth', day, nth: n } : null
  }
  const days = parseSet(text, 1, 7, DAYS, 1)
  return days ? { kind: 'set', days } : null
}

function daysInMonth (year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate()
}

function dayMatches (spec: CronSpec, year: number, month: number, day: number): boolean {
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1 // 1 = SUN
  const last = daysInMonth(year, month)
  const dom = spec.dayOfMonth
  if (dom) {
    switch (dom.kind) {
      case 'set': return dom.days.has(day)
      case 'last': return day === last - dom.offset
      case 'lastWeekday': {
        let d = last
        while (isWeekend(year, month, d)) d--
        return day === d
      }
      case 'nearestWeekday': {
        let target = Math.min(dom.day, last)
        const wd = new Date(Date.UTC(year, month - 1, target)).getUTCDay()
        if (wd === 6) target = target === 1 ? 3 : target - 1
        else if (wd === 0) target = target === last ? target - 2 : target + 1
        return day === target
      }
    }
  }
  const dow = spec.dayOfWeek
  if (!dow) return false
  switch (dow.kind) {
    case 'set': return dow.days.has(weekday)
    case 'last': return weekday === dow.day && day + 7 > last
    case 'nth': return weekday === dow.day && Math.ceil(day / 7) === dow.nth
  }
}

function isWeekend (year: number, month: number, day: number): boolean {
  const wd = new Date(Date.UTC(year, month - 1, day)).getUTCDay()
  return wd === 0 || wd === 6
}

/** The first firing strictly after `afterMs`, or null if there is none before 2200. */
export function nextFireTime (schedule: Schedule, afterMs: number, anchorMs = afterMs): number | null {
  if (schedule.kind === 'rate') {
    const periods = Math.floor((afterMs - anchorMs) / schedule.everyMs) + 1
    return anchorMs + Math.max(1, periods) * schedule.everyMs
  }
  const spec = schedule.cron
  const start = new Date(Math.floor(afterMs / 60_000) * 60_000 + 60_000)
  let year = start.getUTCFullYear()
  let month = start.getUTCMonth() + 1
  let day = start.getUTCDate()
  let fromMinuteOfDay = start.getUTCHours() * 60 + start.getUTCMinutes()
  for (let guard = 0; guard < 366 * 230 && year < 2200; guard++) {
    if ((spec.years === null || spec.years.has(year)) && spec.months.has(month) && dayMatches(spec, year, month, day)) {
      for (const hour of [...spec.hours].sort((a, b) => a - b)) {
        for (const minute of [...spec.minutes].sort((a, b) => a - b)) {
          if (hour * 60 + minute >= fromMinuteOfDay) return Date.UTC(year, month - 1, day, hour, minute)
        }
      }
    }
    fromMinuteOfDay = 0
    day++
    if (day > daysInMonth(year, month)) {
      day = 1
      month++
      if (month > 12) {
        month = 1
        year++
      }
    }
  }
  return null
}
