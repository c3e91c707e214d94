// Byte counts for people: exact below 1 KiB, otherwise one decimal in binary units
// (the --json forms carry the exact number).
const UNITS = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB']

export function formatBytes (bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  let value = bytes
  let unit = -1
  while (value >= 1024 && unit < UNITS.length - 1) { value /= 1024; unit++ }
  return `${value.toFixed(1)} ${UNITS[unit]!}`
}
