// What a target receives: the whole event, the constant Input, the part at
// InputPath, or the InputTransformer's template with variables substituted as
// EventBridge substitutes them:
// - outside quotes a value is written as JSON (strings quoted);
// - inside a quoted string a string is inserted escaped, and an object or a list
//   in AWS's unquoted form ({acc_id:0a787ecb-4015,sf_id:baz}, [ACTIVE,INACTIVE]);
// - a path the event does not have becomes an empty string, wherever it stands;
// - an object or list template whose result is not valid JSON delivers nothing
//   (InvalidTransformedInputError, a failed invocation).
import { evaluateJsonPath, parseJsonPath } from './json-path.js'
import type { EventEnvelope, TargetDefinition } from '../model.js'
import { DeliveryError } from './delivery-error.js'

/** Variables every template may use without defining them. */
export const PREDEFINED_VARIABLES: ReadonlySet<string> = new Set([
  'aws.events.rule-arn', 'aws.events.rule-name', 'aws.events.event', 'aws.events.event.ingestion-time', 'aws.events.event.json',
])

/** Placeholders as PutTargets finds them in a template: <name> with no spaces or brackets inside. */
export const PLACEHOLDER = /<([A-Za-z0-9_.-]+)>/g

export interface InputContext {
  event: EventEnvelope
  /** The envelope as stored (avoids re-serialising when the target takes the whole event). */
  eventText: string
  ruleArn: string
  ruleName: string
  ingestionTime: string
}

export function renderTargetInput (target: TargetDefinition, ctx: InputContext): string {
  if (target.Input !== undefined) return target.Input
  if (target.InputPath !== undefined) {
    const steps = parseJsonPath(target.InputPath)
    const value = steps ? evaluateJsonPath(steps, ctx.event) : undefined
    return value === undefined ? 'null' : JSON.stringify(value)
  }
  if (target.InputTransformer !== undefined) {
    const { InputTemplate: template, InputPathsMap: paths } = target.InputTransformer
    const out = renderTemplate(template, paths ?? {}, ctx)
    if (isStructuredTemplate(template) && !isJson(out)) {
      throw new DeliveryError('InvalidTransformedInput', `The InputTransformer of target ${target.Id} produced invalid JSON: ${out.length > 200 ? `${out.slice(0, 200)}...` : out}`, false)
    }
    return out
  }
  return ctx.eventText
}

function isStructuredTemplate (template: string): boolean {
  const first = template.trimStart()[0]
  return first === '{' || first === '['
}

function isJson (text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

/** The event as the aws.events.event(.json) variables show it: AWS names detail-type detailType there. */
function predefinedEventView (event: EventEnvelope, withDetail: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(event)) {
    if (key === 'detail' && !withDetail) continue
    out[key === 'detail-type' ? 'detailType' : key] = value
  }
  return out
}

function variableValue (name: string, paths: Record<string, string>, ctx: InputContext): unknown {
  switch (name) {
    case 'aws.events.rule-arn': return ctx.ruleArn
    case 'aws.events.rule-name': return ctx.ruleName
    case 'aws.events.event.ingestion-time': return ctx.ingestionTime
    case 'aws.events.event.json': return predefinedEventView(ctx.event, true)
    case 'aws.events.event': return predefinedEventView(ctx.event, false)
  }
  const path = paths[name]
  if (path === undefined) return undefined
  const steps = parseJsonPath(path)
  return steps ? evaluateJsonPath(steps, ctx.event) : undefined
}

const isKnownVariable = (name: string, paths: Record<string, string>): boolean =>
  Object.hasOwn(paths, name) || PREDEFINED_VARIABLES.has(name)

/** Is the template JSON (object, array or string) rather than free text? */
function isJsonTemplate (template: string): boolean {
  const first = template.trimStart()[0]
  return first === '{' || first === '[' || first === '"'
}

export function renderTemplate (template: string, paths: Record<string, string>, ctx: InputContext): string {
  const json = isJsonTemplate(template)
  let out = ''
  let inString = false
  let i = 0
  while (i < template.length) {
    const c = template[i]
    if (c === '<') {
      const close = template.indexOf('>', i + 1)
      const name = close > 0 ? template.slice(i + 1, close) : ''
      if (close > 0 && isKnownVariable(name, paths)) {
        out += substitute(variableValue(name, paths, ctx), json, inString)
        i = close + 1
        continue
      }
    }
    if (json) {
      if (c === '\\' && inString) {
        out += template.slice(i, i + 2)
        i += 2
        continue
      }
      if (c === '"') inString = !inString
    }
    out += c
    i++
  }
  return out
}

function substitute (value: unknown, json: boolean, inString: boolean): string {
  if (value === undefined) return ''
  if (!json) return typeof value === 'string' ? value : JSON.stringify(value)
  if (inString) {
    if (value === null) return ''
    const text = typeof value === 'object' ? unquotedForm(value) : String(value)
    // Escaped as a JSON string body: the template supplies the quotes.
    return JSON.stringify(text).slice(1, -1)
  }
  return JSON.stringify(value)
}

/** How EventBridge writes an object or a list inside a string: JSON without its quotes. */
function unquotedForm (value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(unquotedForm).join(',')}]`
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value).map(([k, v]) => `${k}:${unquotedForm(v)}`).join(',')}}`
  }
  return String(value)
}
