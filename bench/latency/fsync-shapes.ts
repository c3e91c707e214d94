// `node --import tsx bench/latency/fsync-shapes.ts [count] [bytes]`: what an acks=all fdatasync costs on this file
// system for the two shapes a log could write, interleaved in one run so both see the same load:
//   append      each write extends the file (what a segment does today): the new size is metadata, so every
//               fdatasync waits for a journal commit (ext4: jbd2, shared by every writer of the file system,
//               and in data=ordered mode it first writes back the other files' dirty data in that commit)
//   overwrite   each write lands in a region written with zeros beforehand (the size does not change): the
//               fdatasync writes the data and flushes the device cache, with no journal commit
// Synchronous calls on this thread, no libuv pool: the figures are the kernel's and the disk's alone.
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { build, type Histogram } from 'hdr-histogram-js'

const count = Number(process.argv[2] ?? '500')
const bytes = Number(process.argv[3] ?? String(10 * 1024))
const histogram = (): Histogram => build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 })
const dir = mkdtempSync(join(tmpdir(), 'tributary-fsync-shapes-'))
const chunk = Buffer.alloc(bytes, 0x63)
const appendFd = openSync(join(dir, 'append.bin'), 'w')
const overwriteFd = openSync(join(dir, 'overwrite.bin'), 'w')
const shapes = { append: histogram(), overwrite: histogram() }
try {
  // the overwrite file is written with zeros to its full length and made durable first
  const zeros = Buffer.alloc(1 << 20)
  for (let at = 0; at < count * bytes; at += zeros.length) writeSync(overwriteFd, zeros, 0, Math.min(zeros.length, count * bytes - at), at)
  fdatasyncSync(overwriteFd)
  console.log(`fdatasync after a ${bytes}-byte write, ${count} of each, interleaved; load ${loadavg().map(l => l.toFixed(2)).join(' ')}`)
  for (let i = 0; i < count; i++) {
    for (const [name, fd] of [['append', appendFd], ['overwrite', overwriteFd]] as const) {
      writeSync(fd, chunk, 0, bytes, i * bytes)
      const t = performance.now()
      fdatasyncSync(fd)
      shapes[name].recordValue(Math.max(1, Math.round((performance.now() - t) * 1000)))
    }
  }
  const ms = (h: Histogram, p: number): string => (h.getValueAtPercentile(p) / 1000).toFixed(2).padStart(8)
  console.log(`${'ms'.padEnd(12)} ${'p50'.padStart(8)} ${'p90'.padStart(8)} ${'p99'.padStart(8)} ${'p99.9'.padStart(8)} ${'max'.padStart(8)}`)
  for (const [name, h] of Object.entries(shapes)) console.log(`${name.padEnd(12)} ${ms(h, 50)} ${ms(h, 90)} ${ms(h, 99)} ${ms(h, 99.9)} ${(h.maxValue / 1000).toFixed(2).padStart(8)}`)
  console.log(`load at the end ${loadavg().map(l => l.toFixed(2)).join(' ')}`)
} finally {
  closeSync(appendFd)
  closeSync(overwriteFd)
  rmSync(dir, { recursive: true, force: true })
}
