export { Reader } from './reader.js'
export { Writer, ZERO_COPY_THRESHOLD, sizeOfUvarint } from './writer.js'
export { DEFAULT_READER_LIMITS } from './limits.js'
export type { ReaderLimits } from './limits.js'
