// Disk-full faults on real files, for the group and transaction journals on the
// real file system (the kernel, not FaultyFs, cuts the write): a child process runs under a file size limit (RLIMIT_FSIZE, which
// Node meets with EFBIG since it ignores SIGXFSZ), so the write that crosses the
// limit is cut short by the kernel and the next one fails, as on a full disk.
// The child reports every acknowledged append; the parent checks they survive.
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const CHILD = fileURLToPath(new URL('./disk-full-child.ts', import.meta.url))

export const DiskFullStore = { groups: 'groups', txn: 'txn' } as const
export type DiskFullStoreKind = typeof DiskFullStore[keyof typeof DiskFullStore]

export interface DiskFullRun { acked: string[], failed: boolean }

/**
 * Appends records of `recordBytes` padding to the store in `dir` one at a time,
 * with files limited to `limitKiB`, until an append fails (or `max` appends).
 */
export function appendUntilFull (kind: DiskFullStoreKind, dir: string, limitKiB: number, recordBytes: number, max = 1000): Promise<DiskFullRun> {
  return new Promise((resolve, reject) => {
    const script = `ulimit -f ${limitKiB} && exec "${process.execPath}" --import tsx "${CHILD}" "$@"`
    const child = spawn('bash', ['-c', script, 'disk-full', kind, dir, String(recordBytes), String(max)], { stdio: ['ignore', 'pipe', 'inherit'] })
    const run: DiskFullRun = { acked: [], failed: false }
    createInterface({ input: child.stdout! }).on('line', line => {
      const [what, id] = line.split(' ')
      if (what === 'ACK') run.acked.push(id!)
      else if (what === 'FAIL') run.failed = true
    })
    child.on('error', reject)
    child.on('exit', code => { if (code === 0) resolve(run); else reject(new Error(`disk-full child exited with ${code}`)) })
  })
}
