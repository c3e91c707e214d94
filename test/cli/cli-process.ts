/* eslint-disable @typescript-eslint/no-explicit-any -- answers read from the CLI's JSON output or decoded untyped from raw frames; tests check them field by field */
// Runs `tributary ...` as a user does: a child process of src/cli/main.ts through
// the tsx loader, with stdin, stdout, stderr and the exit code captured. NO_COLOR
// is not set by default: stdout is a pipe here, so no colours must appear anyway.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { projectRoot } from '../helpers/broker-process.js'

export interface CliResult { status: number | null, stdout: string, stderr: string }

export interface CliOptions {
  input?: string
  env?: Record<string, string | undefined>
  /** Ends the process with SIGINT once stdout contains this text. */
  interruptWhen?: string
}

export async function runCli (args: string[], options: CliOptions = {}): Promise<CliResult> {
  const env: Record<string, string | undefined> = { ...process.env, TRIBUTARY_BROKERS: undefined, TRIBUTARY_ENDPOINT: undefined, NO_COLOR: undefined, ...options.env }
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key]
  const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'src/cli/main.ts'), ...args], { cwd: projectRoot, env: env as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8')
    if (options.interruptWhen !== undefined && stdout.includes(options.interruptWhen)) child.kill('SIGINT')
  })
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8') })
  child.stdin.end(options.input ?? '')
  const status = await new Promise<number | null>(resolve => child.once('close', code => resolve(code)))
  return { status, stdout, stderr }
}

/** A CLI bound to one broker's addresses through the environment, as a user's shell would be. */
export function cliFor (broker: { bootstrap: string, httpUrl: string }): (args: string[], options?: CliOptions) => Promise<CliResult> {
  return async (args, options = {}) => await runCli(args, { ...options, env: { TRIBUTARY_BROKERS: broker.bootstrap, TRIBUTARY_ENDPOINT: broker.httpUrl, ...options.env } })
}

/** Parses stdout as JSON, failing with the whole output when it is not. */
export function json<T = any> (result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T
  } catch {
    throw new Error(`stdout is not JSON (exit ${result.status}):\n${result.stdout}\nstderr:\n${result.stderr}`)
  }
}

export function jsonLines<T = any> (result: CliResult): T[] {
  return result.stdout.split('\n').filter(l => l !== '').map(l => JSON.parse(l) as T)
}
