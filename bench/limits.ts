// The ceilings a broker's throughput is compared with: the disk's fsynced sequential write rate
// and the loopback TCP rate, both measured in the same run as the broker because both vary minute to minute.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { closeSync, fdatasyncSync, openSync, rmSync, writeSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { connect } from 'node:net'
import { join } from 'node:path'

export interface Rate {
  bytes: number
  seconds: number
}

export const mbPerSecond = (rate: Rate): number => rate.bytes / 1e6 / rate.seconds

/**
 * Appends `chunkBytes` chunks to a new file in `dir` with an fdatasync after each, like a log that fsyncs
 * every group commit, for up to `maxBytes` or `maxMs`, whichever comes first.
 */
export function measureFsyncedWrite (dir: string, chunkBytes: number, maxBytes: number, maxMs: number): Rate {
  const path = join(dir, `fsync-probe-${process.pid}.bin`)
  const chunk = Buffer.alloc(chunkBytes)
  for (let i = 0; i < chunk.length; i += 4) chunk.writeUInt32LE((i * 2654435761) >>> 0, i)
  const fd = openSync(path, 'w')
  const start = performance.now()
  let written = 0
  try {
    while (written < maxBytes && performance.now() - start < maxMs) {
      let offset = 0
      while (offset < chunk.length) offset += writeSync(fd, chunk, offset)
      fdatasyncSync(fd)
      written += chunk.length
    }
  } finally {
    closeSync(fd)
    rmSync(path, { force: true })
  }
  return { bytes: written, seconds: (performance.now() - start) / 1000 }
}

// The sink runs in its own process, as a broker would: one process writing, another reading.
const sinkSource = `
const server = require('node:net').createServer(socket => {
  let bytes = 0
  socket.on('data', chunk => { bytes += chunk.length })
  socket.on('end', () => socket.end(String(bytes)))
})
server.listen(0, '127.0.0.1', () => console.log(server.address().port))
`

/** Pushes 256 KiB writes through a loopback socket into a sink process for about `durationMs`. */
export async function measureLoopbackTcp (durationMs: number): Promise<Rate> {
  const sink = spawn(process.execPath, ['-e', sinkSource], { stdio: ['ignore', 'pipe', 'inherit'] })
  try {
    const [portLine] = await once(sink.stdout, 'data') as [Buffer]
    const socket = connect({ host: '127.0.0.1', port: Number(portLine.toString().trim()) })
    await once(socket, 'connect')
    const chunk = Buffer.alloc(256 * 1024, 0x5a)
    let reply = ''
    socket.on('data', (data: Buffer) => { reply += data.toString() })
    const start = performance.now()
    while (performance.now() - start < durationMs) {
      if (!socket.write(chunk)) await once(socket, 'drain')
    }
    socket.end()
    await once(socket, 'close')
    return { bytes: Number(reply), seconds: (performance.now() - start) / 1000 }
  } finally {
    sink.kill()
  }
}

export interface GroupCommitRate extends Rate {
  fsyncs: number
}

/**
 * The ceiling for a log with group commit: one writer appends `chunkBytes` chunks back to back while
 * fdatasync runs back to back beside it, so each fsync covers whatever was written during the previous
 * one, as the broker's commits do. Counts only bytes made durable (a last fdatasync closes the run).
 */
export async function measureGroupCommitWrite (dir: string, chunkBytes: number, maxBytes: number, maxMs: number): Promise<GroupCommitRate> {
  const path = join(dir, `group-commit-probe-${process.pid}.bin`)
  const chunk = Buffer.alloc(chunkBytes)
  for (let i = 0; i < chunk.length; i += 4) chunk.writeUInt32LE((i * 2654435761) >>> 0, i)
  const file = await open(path, 'w')
  let written = 0
  let fsyncs = 0
  const state = { writing: true } // read by the fsync loop while the write loop runs
  const start = performance.now()
  try {
    const syncer = (async () => {
      while (state.writing) {
        await file.datasync()
        fsyncs++
      }
    })()
    while (written < maxBytes && performance.now() - start < maxMs) {
      let offset = 0
      while (offset < chunk.length) offset += (await file.write(chunk, offset, chunk.length - offset)).bytesWritten
      written += chunk.length
    }
    state.writing = false
    await syncer
    await file.datasync()
    fsyncs++
    return { bytes: written, seconds: (performance.now() - start) / 1000, fsyncs }
  } finally {
    await file.close()
    rmSync(path, { force: true })
  }
}
