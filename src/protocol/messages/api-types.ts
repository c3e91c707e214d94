// Request and response types keyed by Kafka's API name ("Produce", "SyncGroup"),
// read off the definitions in ./index.ts: adding an API to `definedApis` is what
// gives it types. See ./body-types.ts for how a definition becomes a type.
// Each type is a lookup in a table keyed by name (not a conditional type on the
// name), so TypeScript sees that a Handler<'Produce'> is also a Handler of "some API".
import type { DecodedBody, EncodableBody } from './body-types.js'
import type { definedApis } from './index.js'

/** Every API definition the codec has, as its literal type. */
export type DefinedApi = (typeof definedApis)[number]

/** "Produce" | "Fetch" | ... */
export type ApiName = DefinedApi['name']

type ByName = { [A in DefinedApi as A['name']]: A }
type RequestByName = { [A in DefinedApi as A['name']]: DecodedBody<A['request']> }
type ResponseByName = { [A in DefinedApi as A['name']]: DecodedBody<A['response']> }
type RequestInputByName = { [A in DefinedApi as A['name']]: EncodableBody<A['request']> }
type ResponseInputByName = { [A in DefinedApi as A['name']]: EncodableBody<A['response']> }

/** The definition of the API called `N`. */
export type ApiNamed<N extends ApiName> = ByName[N]

/** A request of API `N` as decoded (every field present). */
export type RequestOf<N extends ApiName> = RequestByName[N]

/** A response of API `N` as decoded (what a client reads back). */
export type ResponseOf<N extends ApiName> = ResponseByName[N]

/** A request body of API `N` as encodeMessage takes it (fields with a default may be left out). */
export type RequestInput<N extends ApiName> = RequestInputByName[N]

/** A response body of API `N` as encodeMessage takes it: what a handler returns. */
export type ResponseInput<N extends ApiName> = ResponseInputByName[N]

/** The element type of an array field, e.g. `Element<ResponseInput<'Fetch'>['responses']>`. */
export type Element<A> = A extends ReadonlyArray<infer E> ? E : never
