// Loading a partition's segments at startup. Segments whose index files cover
// the whole file are taken as they are; others are scanned from where their index
// stops. If a segment had to be cut (torn or corrupt), every later segment is
// deleted: nothing after a hole can be served.
import { join } from 'node:path'
import { parseSegmentFileName, Segment, segmentFileName } from './segment.js'
import type { PartitionContext } from './partition-log.js'
import { recoverInterruptedCleaning } from './cleaner-swap.js'

export async function loadSegments (ctx: PartitionContext, logStartOffset: number): Promise<Segment[]> {
  // a cleaning pass cut short by a crash: roll back or finish its swap before reading segments
  await recoverInterruptedCleaning(ctx.fs, ctx.dir)
  const names = await ctx.fs.readdir(ctx.dir)
  const bases = names.map(parseSegmentFileName).filter((b): b is number => b !== null).sort((a, b) => a - b)
  const interval = (): number => ctx.config().indexIntervalBytes
  const segments: Segment[] = []
  for (let i = 0; i < bases.length; i++) {
    const { segment, recovery } = await Segment.load(ctx.fs, ctx.dir, bases[i]!, interval, ctx.now())
    const prev = segments[segments.length - 1]
    if (prev !== undefined && segment.baseOffset < prev.nextOffset) {
      // overlaps its predecessor: a leftover of an interrupted operation
      await segment.delete()
      continue
    }
    segments.push(segment)
    if (recovery !== null && recovery.stopReason !== 'end') {
      for (const later of bases.slice(i + 1)) {
        for (const ext of ['.index', '.timeindex', '.log'] as const) await ctx.fs.unlink(join(ctx.dir, segmentFileName(later, ext)))
      }
      break
    }
  }
  // remove index files and temporaries without a log
  const live = new Set(segments.flatMap(s => [s.logPath, s.indexPath, s.timeIndexPath]))
  for (const name of names) {
    if (/\.(index|timeindex|tmp)$/.test(name) && !live.has(join(ctx.dir, name))) await ctx.fs.unlink(join(ctx.dir, name))
  }
  if (segments.length === 0) {
    segments.push(await Segment.create(ctx.fs, ctx.dir, Math.max(0, logStartOffset), ctx.now(), interval))
  }
  // a process crash leaves written-but-unsynced bytes in the page cache; make
  // them durable before calling them durable (a clean close already fsynced them)
  if (ctx.cleanShutdown !== true && ctx.syncedByStart !== true) await segments[segments.length - 1]!.sync()
  return segments
}
