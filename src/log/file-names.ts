// File and directory names derived from topic names. A topic name may be 249
// characters, and most file systems cap a name at 255 bytes, so a name built as
// `<topic><suffix>` (temporaries, delete markers) shortens the topic part, as
// Kafka does for its `-delete` directories. Topic names are ASCII, so characters
// and bytes agree; the basename is measured in UTF-8 bytes anyway to be safe.
import { basename, dirname, join } from 'node:path'

/** Most file systems' limit on one path component, in bytes. */
export const MAX_FILE_NAME_BYTES = 255

/** `stem + suffix`, with `stem` cut so the result fits in MAX_FILE_NAME_BYTES. */
export function fitFileName (stem: string, suffix: string): string {
  const room = MAX_FILE_NAME_BYTES - Buffer.byteLength(suffix)
  if (Buffer.byteLength(stem) <= room) return stem + suffix
  let cut = stem.slice(0, Math.max(0, room))
  while (Buffer.byteLength(cut) > room) cut = cut.slice(0, -1)
  return cut + suffix
}

/** A sibling of `path` named from its basename plus `suffix`, shortened to fit. */
export function siblingPath (path: string, suffix: string): string {
  return join(dirname(path), fitFileName(basename(path), suffix))
}
