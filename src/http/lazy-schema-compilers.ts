// Fastify's JSON-schema compilers (ajv and fast-json-stringify), loaded only if a
// route ever declares a schema. None does today, and building fastify's default
// compilers at start loads those packages: about half a second of a start to
// /health on a busy machine (CPU profile of `tributary start`), for nothing.
import { createRequire } from 'node:module'
import type { FastifyServerOptions } from 'fastify'

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>
type BuildValidator = NonNullable<CompilersFactory['buildValidator']>
type BuildSerializer = NonNullable<CompilersFactory['buildSerializer']>

// resolved from fastify's own location, where its dependencies are installed
const fromFastify = createRequire(createRequire(import.meta.url).resolve('fastify'))

let validator: BuildValidator | undefined
let serializer: BuildSerializer | undefined

/** Fastify's `schemaController.compilersFactory`, each compiler loaded at its first use. */
export const lazySchemaCompilers: CompilersFactory = {
  buildValidator: (...args) => {
    validator ??= (fromFastify('@fastify/ajv-compiler') as () => BuildValidator)()
    return validator(...args)
  },
  buildSerializer: (...args) => {
    serializer ??= (fromFastify('@fastify/fast-json-stringify-compiler') as () => BuildSerializer)()
    return serializer(...args)
  },
}
