// What a target receives: the whole event, the constant Input, the part at
// InputPath, or the InputTransformer's template with variables substituted.
// Substitution keeps JSON valid: inside a quoted string a value is escaped
// (no quotes added), outside quotes it is written as JSON (strings quoted).
import { evaluateJsonPath, parseJsonPath } from './json-path.js'
import type { EventEnvelope, TargetDefinition } from '../model.js'

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
  if (target.InputTransformer !== undefined) return renderTemplate(target.InputTransformer.InputTemplate, target.InputTransformer.InputPathsMap ?? {}, ctx)
  return ctx.eventText
}

function variableValue (name: string, paths: Record<string, string>, ctx: InputContext): unknown {
  switch (name) {
    case 'aws.events.rule-arn': return ctx.ruleArn
    case 'aws.events.rule-name': return ctx.ruleName
    case 'aws.events.event.ingestion-time': return ctx.ingestionTime
    case 'aws.events.event.json': return ctx.event
    case 'aws.events.event': {
      const { detail: _detail, ...rest } = ctx.event
      return rest
    }
  }
  const path = paths[name]
  if (path === undefined) return undefined
  const steps = parseJsonPath(path)
  return steps ? evaluateJsonPath(steps, ctx.event) : undefined
}

const isKnownVariable = (name: string, paths: Record<string, string>): boolean =>
  Object.hasOwn(paths, name) || name.startsWith('aws.events.')

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
  if (!json) {
    if (value === undefined) return ''
    return typeof value === 'string' ? value : JSON.stringify(value)
  }
  if (inString) {
    if (value === undefined || value === null) return ''
    const text = typeof value === 'string' ? value : JSON.stringify(value)
    // Escaped as a JSON string body: the template supplies the quotes.
    return JSON.stringify(text).slice(1, -1)
  }
  return value === undefined ? 'null' : JSON.stringify(value)
}
