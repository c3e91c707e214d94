// Field checks worded as AWS words them, e.g.
// "1 validation error detected: Value 'a b' at 'name' failed to satisfy
// constraint: Member must satisfy regular expression pattern: [\.\-_A-Za-z0-9]+".
// Field paths are the camelCase member paths AWS reports ('name', 'eventBusName',
// 'targets.1.member.id').
import { BusApiError, BusErrorType, validationError } from './errors.js'

export const Patterns = {
  ruleName: '[\\.\\-_A-Za-z0-9]+',
  busName: '[/\\.\\-_A-Za-z0-9]+',
  busNameOrArn: '(arn:aws[\\w-]*:events:[a-z]+-[a-z]+-[\\w-]+:[0-9]{12}:event-bus\\/)?[/\\.\\-_A-Za-z0-9]+',
  archiveName: '[\\.\\-_A-Za-z0-9]+',
  connectionName: '[\\.\\-_A-Za-z0-9]+',
  connectionArn: '^arn:aws([a-z]|\\-)*:events:([a-z]|\\d|\\-)*:([0-9]{12})?:connection\\/[\\.\\-_A-Za-z0-9]+\\/[\\-A-Za-z0-9]+$',
  targetId: '[\\.\\-_A-Za-z0-9]+',
} as const

const compiled = new Map<string, RegExp>()
function fullMatch (pattern: string, value: string): boolean {
  let re = compiled.get(pattern)
  if (!re) {
    re = new RegExp(`^(?:${pattern})$`)
    compiled.set(pattern, re)
  }
  return re.test(value)
}

export interface StringRule { min?: number, max?: number, pattern?: string, enum?: readonly string[], enumIgnoresCase?: boolean }

/** Collects every problem of one request, then throws them together as AWS does. */
export class Checks {
  private readonly problems: string[] = []

  required (value: unknown, field: string): boolean {
    if (value === undefined || value === null) {
      this.problems.push(`Value null at '${field}' failed to satisfy constraint: Member must not be null`)
      return false
    }
    return true
  }

  string (value: unknown, field: string, rule: StringRule & { required?: boolean } = {}): value is string {
    if (value === undefined || value === null) {
      if (rule.required === true) this.required(value, field)
      return false
    }
    if (typeof value !== 'string') throw new BusApiError(BusErrorType.serialization, `Unexpected value type for field '${field}'`)
    const shown = `Value '${value}' at '${field}' failed to satisfy constraint: Member must`
    // AWS lists a member's broken constraints pattern first, then length.
    if (rule.pattern !== undefined && !fullMatch(rule.pattern, value)) this.problems.push(`${shown} satisfy regular expression pattern: ${rule.pattern}`)
    if (rule.min !== undefined && value.length < rule.min) this.problems.push(`${shown} have length greater than or equal to ${rule.min}`)
    if (rule.max !== undefined && value.length > rule.max) this.problems.push(`${shown} have length less than or equal to ${rule.max}`)
    const enumValue = rule.enumIgnoresCase === true ? value.toUpperCase() : value
    if (rule.enum !== undefined && !rule.enum.includes(enumValue)) this.problems.push(`${shown} satisfy enum value set: [${rule.enum.join(', ')}]`)
    return true
  }

  integer (value: unknown, field: string, rule: { min?: number, max?: number, required?: boolean } = {}): value is number {
    if (value === undefined || value === null) {
      if (rule.required === true) this.required(value, field)
      return false
    }
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      throw new BusApiError(BusErrorType.serialization, `Unexpected value type for field '${field}'`)
    }
    if (rule.min !== undefined && value < rule.min) this.problems.push(`Value '${value}' at '${field}' failed to satisfy constraint: Member must have value greater than or equal to ${rule.min}`)
    if (rule.max !== undefined && value > rule.max) this.problems.push(`Value '${value}' at '${field}' failed to satisfy constraint: Member must have value less than or equal to ${rule.max}`)
    return true
  }

  list (value: unknown, field: string, rule: { min?: number, max?: number, required?: boolean } = {}): value is unknown[] {
    if (value === undefined || value === null) {
      if (rule.required === true) this.required(value, field)
      return false
    }
    if (!Array.isArray(value)) throw new BusApiError(BusErrorType.serialization, `Unexpected value type for field '${field}'`)
    // Written out only for a list that breaks a bound: serialising every member of a valid list (ten
    // PutEvents entries of 1 KB each, on every call) cost more than the rest of the validation.
    const shown = (): string => `Value '[${value.map(v => typeof v === 'string' ? v : JSON.stringify(v)).join(', ')}]' at '${field}' failed to satisfy constraint: Member must`
    if (rule.min !== undefined && value.length < rule.min) this.problems.push(`${shown()} have length greater than or equal to ${rule.min}`)
    if (rule.max !== undefined && value.length > rule.max) this.problems.push(`${shown()} have length less than or equal to ${rule.max}`)
    return true
  }

  add (problem: string): void {
    this.problems.push(problem)
  }

  done (): void {
    const n = this.problems.length
    if (n === 0) return
    throw validationError(`${n} validation error${n === 1 ? '' : 's'} detected: ${this.problems.join('; ')}`)
  }
}

/** The shared limit/next-token pair of every List* action. */
export function pageParams (body: Record<string, unknown>, max = 100): { limit: number, start: number } {
  const checks = new Checks()
  checks.integer(body.Limit, 'limit', { min: 1, max })
  checks.string(body.NextToken, 'nextToken', { min: 1, max: 2048 })
  checks.done()
  let start = 0
  if (typeof body.NextToken === 'string') {
    const decoded = Number.parseInt(Buffer.from(body.NextToken, 'base64url').toString('utf8'), 10)
    if (!Number.isInteger(decoded) || decoded < 0) throw validationError('The nextToken provided is invalid.')
    start = decoded
  }
  return { limit: typeof body.Limit === 'number' ? body.Limit : max, start }
}

/** One page of `items` (already in a stable order) and the token of the next. */
export function page<T> (items: T[], params: { limit: number, start: number }): { items: T[], nextToken?: string } {
  const slice = items.slice(params.start, params.start + params.limit)
  const next = params.start + params.limit
  return next < items.length ? { items: slice, nextToken: Buffer.from(String(next)).toString('base64url') } : { items: slice }
}

export function epochSeconds (ms: number): number {
  return ms / 1000
}
