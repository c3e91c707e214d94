// Aligned text tables: a header row and left-aligned columns (numbers right-aligned),
// the layout kubectl and rpk use, which also reads fine when piped into grep or awk.
import { visibleLength, type Style } from './style.js'

export interface Column<T> {
  header: string
  value: (row: T) => string | number | null | undefined
  /** Right-align (numbers). Default: right-align when every value is a number. */
  align?: 'left' | 'right'
}

export function renderTable<T> (rows: readonly T[], columns: ReadonlyArray<Column<T>>, style: Style): string {
  const cells = rows.map(row => columns.map(c => {
    const v = c.value(row)
    return v === null || v === undefined ? '-' : String(v)
  }))
  const right = columns.map(c => c.align === 'right' || (c.align === undefined && rows.length > 0 && rows.every(r => typeof c.value(r) === 'number')))
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map(r => visibleLength(r[i]!))))
  const pad = (s: string, i: number): string => {
    const gap = ' '.repeat(widths[i]! - visibleLength(s))
    return right[i] ? gap + s : s + gap
  }
  const lines = [columns.map((c, i) => style.bold(pad(c.header, i))).join('  ').trimEnd()]
  for (const r of cells) lines.push(r.map((s, i) => pad(s, i)).join('  ').trimEnd())
  return lines.join('\n') + '\n'
}

/** "key: value" lines for one object, keys aligned. */
export function renderFields (fields: ReadonlyArray<[string, string | number | null | undefined]>, style: Style): string {
  const width = Math.max(...fields.map(([k]) => k.length))
  return fields.map(([k, v]) => `${style.bold((k + ':').padEnd(width + 1))} ${v === null || v === undefined ? '-' : String(v)}`).join('\n') + '\n'
}
