// The Standard Schema interface (standardschema.dev), written out here because
// it is a type-only contract: zod, valibot and arktype schemas all carry a
// `~standard` property of this shape, so the SDK validates events with any of
// them without depending on one.
import { TributaryError, TributaryErrorCode } from '../../errors.js'

export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly '~standard': {
    readonly version: 1
    readonly vendor: string
    readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>
    readonly types?: { readonly input: Input, readonly output: Output } | undefined
  }
}

export type StandardResult<Output> =
  | { readonly value: Output, readonly issues?: undefined }
  | { readonly issues: readonly StandardIssue[] }

export interface StandardIssue {
  readonly message: string
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined
}

export type SchemaInput<S> = S extends StandardSchemaV1<infer I, unknown> ? I : unknown
export type SchemaOutput<S> = S extends StandardSchemaV1<unknown, infer O> ? O : unknown

/** Event type → schema of its data. */
export type EventSchemas = Record<string, StandardSchemaV1>

function issuePath (issue: StandardIssue): string {
  if (issue.path === undefined || issue.path.length === 0) return ''
  const steps = issue.path.map(step => String(typeof step === 'object' && step !== null && 'key' in step ? step.key : step))
  return `${steps.join('.')}: `
}

/** The schema's message for each issue, joined; "path: message" where the schema names a path. */
export function describeIssues (issues: readonly StandardIssue[]): string {
  return issues.map(issue => `${issuePath(issue)}${issue.message}`).join('; ')
}

/**
 * Validates `data` for event `type`; resolves with the schema's output (a
 * schema may transform) or rejects with TRIB_ERR_INVALID_EVENT carrying the
 * schema's own message.
 */
export async function validateEvent (schema: StandardSchemaV1 | undefined, type: string, data: unknown): Promise<unknown> {
  if (schema === undefined) return data
  const result = await schema['~standard'].validate(data)
  if (result.issues !== undefined) {
    throw new TributaryError(TributaryErrorCode.INVALID_EVENT, `event "${type}" does not match its schema: ${describeIssues(result.issues)}`)
  }
  return result.value
}
