// Structured logs (pino): JSON lines when piped, readable lines on a terminal.
import { pino, type Logger } from 'pino'

export type { Logger }

export function createLogger (level = 'info'): Logger {
  const pretty = process.stdout.isTTY && process.env.TRIBUTARY_LOG_FORMAT !== 'json'
  return pino({
    level,
    base: undefined,
    transport: pretty ? { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' } } : undefined
  })
}
