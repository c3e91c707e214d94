// A whole Tributary in the test's process, built by the composition root (src/tributary.ts) as
// `tributary start` builds it, on loopback port 0 with a fresh temporary data directory on the
// real disk. For tests about the assembled product (listeners, the HTTP face, the console) that
// need what the embedded SDK broker (src/sdk/embedded.ts) hides: a real data directory, the
// raw config, a file system to inject. stop() stops it and removes the directory.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino, type Logger } from 'pino'
import { defaultConfig, type BrokerConfig } from '../../src/config.js'
import { Tributary, type TributaryOptions } from '../../src/tributary.js'

export interface InProcessTributary {
  app: Tributary
  dataDir: string
  /** http://127.0.0.1:<port> of the HTTP face (bus API, console, /health, /metrics). */
  httpUrl: string
  /** host:port of the Kafka listener: the named one, or the default port when the config has no listeners. */
  bootstrap: (listener?: string) => string
  /** Stops Tributary (if it started) and removes its data directory. */
  stop: () => Promise<void>
}

export interface StartOptions {
  /** Prefix of the temporary data directory's name (default 'trib-test-'). */
  prefix?: string
  /** Default: a silent logger (TEST_LOG_LEVEL=debug shows the broker's logs). */
  logger?: Logger
  /** The composition root's own options: a file system, a clock, process metrics. */
  options?: TributaryOptions
}

/**
 * Starts Tributary with `config` over test defaults (127.0.0.1, ports 0, no topic defaults from the
 * environment, a temporary data directory). `dataDir` in `config` is ignored: each start gets its own.
 */
export async function startInProcess (config: Partial<BrokerConfig> = {}, start: StartOptions = {}): Promise<InProcessTributary> {
  const dataDir = await mkdtemp(join(tmpdir(), start.prefix ?? 'trib-test-'))
  const logger = start.logger ?? pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' })
  const app = new Tributary({ ...defaultConfig, topicDefaults: {}, host: '127.0.0.1', kafkaPort: 0, httpPort: 0, ...config, dataDir }, logger, start.options)
  const stop = async (): Promise<void> => {
    try {
      await app.stop()
    } finally {
      await rm(dataDir, { recursive: true, force: true })
    }
  }
  try {
    await app.start()
  } catch (err) {
    await rm(dataDir, { recursive: true, force: true })
    throw err
  }
  return {
    app,
    dataDir,
    httpUrl: `http://127.0.0.1:${app.config.httpPort}`,
    bootstrap: (listener?: string) => {
      const broker = app.components.broker
      const port = listener === undefined ? broker.port : broker.ports.get(listener)
      if (port === undefined) throw new Error(`TRIB_ERR_TEST: no listener named ${listener ?? '(default)'}`)
      return `127.0.0.1:${port}`
    },
    stop
  }
}
