// A whole broker in a child process whose disk never finishes a write into the
// partition directories of topic "stalled" (until SIGUSR2 lets them through),
// for stalled-disk.test.ts: appends to that partition stay queued, as behind a
// dying disk, while every other topic writes normally.
// Usage: node --import tsx stalled-disk-broker.ts <dataDir>; prints "READY <kafkaPort>".
import { pino } from 'pino'
import { defaultConfig } from '../../src/config.js'
import { Tributary } from '../../src/tributary.js'
import { realFs, type FileHandle, type FileSystem } from '../../src/log/fs.js'

const dataDir = process.argv[2]
if (dataDir === undefined) throw new Error('TRIB_ERR_TEST: usage: stalled-disk-broker.ts <dataDir>')

let release: () => void = () => {}
const released = new Promise<void>(resolve => { release = resolve })
process.on('SIGUSR2', () => release())

const stalls = (path: string): boolean => /[\\/]stalled-\d+[\\/]/.test(path)

const stalledFs: FileSystem = {
  ...realFs,
  async open (path, create): Promise<FileHandle> {
    const handle = await realFs.open(path, create)
    if (!stalls(path)) return handle
    return {
      writev: async (buffers, position) => { await released; await handle.writev(buffers, position) },
      read: async (buffer, offset, length, position) => await handle.read(buffer, offset, length, position),
      sync: async () => await handle.sync(),
      truncate: async length => await handle.truncate(length),
      size: async () => await handle.size(),
      close: async () => await handle.close()
    }
  }
}

const config = { ...defaultConfig, topicDefaults: {}, dataDir, host: '127.0.0.1', kafkaPort: 0, httpPort: 0, groupInitialRebalanceDelayMs: 0 }
const app = new Tributary(config, pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }), { fs: stalledFs, processMetrics: false })
await app.start()
process.stdout.write(`READY ${config.kafkaPort}\n`)
process.on('SIGTERM', () => { app.stop().then(() => process.exit(0), () => process.exit(1)) })
