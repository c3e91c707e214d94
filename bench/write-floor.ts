// The kernel's share of a produced GB, measured without the broker (issue 15, target 1: broker CPU <= 0.6 s/GB).
// The broker's CPU per GB (bench/produce-cpu.ts) is its whole process: the JavaScript thread plus the kernel work
// of receiving the bytes and writing and fsyncing them, which no broker code can avoid. This measures that floor
// in this process, with the same shapes the broker uses, as CPU seconds (user + system, all threads) per GB:
//   - loopback TCP receive: a child process sends, this one reads into one warm buffer (as the broker's onread does);
//   - pwritev of warm 1 MiB buffers, 7 per call (a group commit of kcat's ~1 MB requests), into a new file:
//     once into pages the page cache has never held (the file grows, as a log does) and once into pages it
//     just freed (the same file truncated and written again);
//   - the same with an fdatasync per call, as acks=all group commit does;
//   - the cases a segment file kept for reuse or preallocated would give (issue 15: can the page cache's cost of
//     new pages be cut?): the same file overwritten in place while its pages are still cached (a recycled segment
//     whose pages are resident), and a file preallocated with fallocate first (extents reserved, pages still new).
//     WRITE_FLOOR_REUSE=0 skips them.
// Finding (2026-12-03, this 2-core Firecracker VM, 18 of 24 GB free): new pages cost ~6x what pages still cached
// do; fallocate does not help. The balloon's free page reporting hands free memory back to the host, so a page
// the guest has not used lately faults on the host at its first touch: a transient of a VM with much free memory.
// Under memory pressure (a page cache that is full, as on a busy broker) new page-cache pages come from reclaim,
// which is the "pages just freed" figure.
// The sums (TCP receive + pwritev + fdatasync, new pages and pages just freed) go into `npm run bench`'s table
// beside the broker's CPU per GB produced.
// Usage: node --import tsx bench/write-floor.ts   (WRITE_FLOOR_MB, default 512 MB per figure, times BENCH_SCALE)
import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { createServer, type Socket } from 'node:net'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { cpuUsage } from 'node:process'
import { recordFigure } from './summary.js'

const totalBytes = Number(process.env.WRITE_FLOOR_MB ?? '512') * 1e6 * Number(process.env.BENCH_SCALE ?? '1')
const MIB = 1 << 20
const perCall = 7

/** CPU seconds (user, system) per GB of `bytes` spent while `fn` ran. */
async function cpuPerGb (bytes: () => number, fn: () => Promise<void>): Promise<{ user: number, system: number }> {
  const before = cpuUsage()
  await fn()
  const used = cpuUsage(before)
  const gb = bytes() / 1e9
  return { user: used.user / 1e6 / gb, system: used.system / 1e6 / gb }
}

type Start = 'truncate' | 'in place' | 'fallocate'

async function writeFile (path: string, fsync: boolean, counted: { bytes: number }, start: Start = 'truncate'): Promise<void> {
  const pool = Array.from({ length: 16 }, (_, i) => Buffer.alloc(MIB, i + 1))
  if (start === 'fallocate') {
    // fallocate(1) reserves the extents (what a preallocating log would do once per segment); not timed here
    spawnSync('fallocate', ['-l', String(Math.ceil(totalBytes / MIB + perCall) * MIB), path])
  }
  const fh = await open(path, start === 'truncate' ? 'w' : 'r+')
  try {
    for (let call = 0; counted.bytes < totalBytes; call++) {
      const buffers = Array.from({ length: perCall }, (_, j) => pool[(call * perCall + j) % pool.length]!)
      const { bytesWritten } = await fh.writev(buffers, counted.bytes)
      counted.bytes += bytesWritten
      if (fsync) await fh.datasync()
    }
  } finally { await fh.close() }
}

async function tcpReceive (counted: { bytes: number }): Promise<void> {
  const target = Buffer.alloc(MIB)
  const server = createServer({ pauseOnConnect: false })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const port = (server.address() as { port: number }).port
  const sender = `const s=require('net').connect(${port},'127.0.0.1');const b=Buffer.alloc(${MIB},7);let n=0;` +
    `const go=()=>{while(n<${totalBytes}){n+=b.length;if(!s.write(b))return s.once('drain',go)}s.end()};s.on('connect',go)`
  const accepted = once(server, 'connection') as Promise<[Socket]>
  const child = spawn(process.execPath, ['-e', sender], { stdio: 'ignore' })
  const [socket] = await accepted
  // read into one buffer we own, as the broker does (src/broker/socket-reads.ts), not a fresh chunk per read
  const raw = new (socket.constructor as typeof Socket)({
    handle: (socket as unknown as { _handle: unknown })._handle,
    onread: { buffer: target, callback: (n: number) => { counted.bytes += n; return true } }
  } as unknown as ConstructorParameters<typeof Socket>[0])
  ;(socket as unknown as { _handle: unknown })._handle = null
  await once(raw, 'end')
  raw.destroy()
  await once(child, 'close')
  server.close()
}

async function main (): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-write-floor-'))
  console.log(`kernel CPU per GB, ${new Date().toISOString()}, ${cpus().length} cores, load ${loadavg().map(l => l.toFixed(2)).join(' ')}, ${totalBytes / 1e6} MB per figure`)
  const show = (label: string, r: { user: number, system: number }): number => {
    console.log(`  ${label.padEnd(56)} ${(r.user + r.system).toFixed(2)} CPU s/GB (user ${r.user.toFixed(2)} + system ${r.system.toFixed(2)})`)
    return r.user + r.system
  }
  try {
    const tcp = { bytes: 0 }
    const receive = show('loopback TCP receive into a warm buffer', await cpuPerGb(() => tcp.bytes, () => tcpReceive(tcp)))
    const synced = new Map<string, number>()
    for (const fsync of [false, true]) {
      const name = join(dir, `log-${String(fsync)}`)
      const fresh = { bytes: 0 }
      const onNew = show(`pwritev${fsync ? ' + fdatasync' : ''}, new pages (a growing log)`, await cpuPerGb(() => fresh.bytes, () => writeFile(name, fsync, fresh)))
      const again = { bytes: 0 }
      const onFreed = show(`pwritev${fsync ? ' + fdatasync' : ''}, pages just freed (file rewritten)`, await cpuPerGb(() => again.bytes, () => writeFile(name, fsync, again)))
      if (fsync) { synced.set('new pages', onNew); synced.set('pages just freed', onFreed) }
    }
    if (process.env.WRITE_FLOOR_REUSE !== '0') {
      const inPlace = { bytes: 0 }
      synced.set('pages still cached (segment overwritten in place)',
        show('pwritev + fdatasync, pages still cached (overwritten in place)', await cpuPerGb(() => inPlace.bytes, () => writeFile(join(dir, 'log-true'), true, inPlace, 'in place'))))
      const reserved = { bytes: 0 }
      synced.set('new pages of a fallocated file',
        show('pwritev + fdatasync, new pages of a fallocated file', await cpuPerGb(() => reserved.bytes, () => writeFile(join(dir, 'log-fallocated'), true, reserved, 'fallocate'))))
    }
    for (const [pages, seconds] of synced) {
      console.log(`  floor: TCP receive + pwritev + fdatasync, ${pages}: ${(receive + seconds).toFixed(2)} CPU s/GB`)
      recordFigure({
        figure: `kernel floor per GB produced, ${pages} (no broker)`,
        value: receive + seconds,
        unit: 's/GB',
        limit: 'TCP receive + pwritev + fdatasync',
        source: 'bench/write-floor.ts'
      })
    }
    console.log(`load at the end ${loadavg().map(l => l.toFixed(2)).join(' ')}`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
