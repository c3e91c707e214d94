// The SDK throws the one TributaryError of src/errors.ts, with a stable string code
// (TRIB_ERR_FAULT, TRIB_ERR_EMBEDDED_OPTIONS, TRIB_ERR_BUS_DEFINITION, TRIB_ERR_CLOSED, ...),
// so an application catches the same class whatever part of Tributary failed.
export { TributaryError, TributaryErrorCode, isTributaryError } from '../errors.js'
export type { TributaryErrorCodeValue } from '../errors.js'
