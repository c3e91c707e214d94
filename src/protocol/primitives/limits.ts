// Ceilings applied to every length and count read from the wire, on top of the
// check against the bytes actually remaining. They bound what one hostile frame
// can make us allocate or loop over.

export interface ReaderLimits {
  /** Longest bytes / records field accepted (bytes). */
  maxBytesLength: number
  /** Longest string accepted (UTF-8 bytes). Kafka itself rejects strings over 32767. */
  maxStringLength: number
  /** Most elements accepted in one array, and most tagged fields in one section. */
  maxArrayLength: number
}

export const DEFAULT_READER_LIMITS: Readonly<ReaderLimits> = Object.freeze({
  maxBytesLength: 256 * 1024 * 1024,
  maxStringLength: 0x7fff,
  maxArrayLength: 1 << 22
})
