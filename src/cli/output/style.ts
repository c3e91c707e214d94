// Colour only on a terminal and never when NO_COLOR is set (https://no-color.org).
export interface Style {
  readonly enabled: boolean
  bold: (s: string) => string
  dim: (s: string) => string
  red: (s: string) => string
  green: (s: string) => string
  yellow: (s: string) => string
  cyan: (s: string) => string
}

function wrap (enabled: boolean, open: number, close: number): (s: string) => string {
  return enabled ? (s: string) => `\u001b[${open}m${s}\u001b[${close}m` : (s: string) => s
}

export function makeStyle (stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Style {
  const enabled = stream.isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === '') && env.TERM !== 'dumb'
  return {
    enabled,
    bold: wrap(enabled, 1, 22),
    dim: wrap(enabled, 2, 22),
    red: wrap(enabled, 31, 39),
    green: wrap(enabled, 32, 39),
    yellow: wrap(enabled, 33, 39),
    cyan: wrap(enabled, 36, 39)
  }
}

/** Visible width of a string that may hold colour escapes. */
export function visibleLength (s: string): number {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\u001b\[[0-9;]*m/g, '').length
}
