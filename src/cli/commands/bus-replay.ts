// `tributary bus replay`: StartReplay of an archive's events between two times
// back onto the bus they came from, and with --wait a progress line until the
// replay completes (DescribeReplay's EventLastReplayedTime against the window).
import type { Command } from 'commander'
import { commaListArg } from '../args.js'
import { withContext, type CliContext } from '../context.js'
import type { JsonObject } from '../../client/bus-client.js'
import { badArgument, CommandFailure } from '../output/errors.js'
import { parseTime, OffsetSpecError } from '../offset-spec.js'

interface ReplayFlags { archive: string, from: string, to: string, name?: string, rules?: string[], wait?: boolean }

const FINAL_STATES = new Set(['COMPLETED', 'CANCELLED', 'FAILED'])

export function registerBusReplay (bus: Command): void {
  bus.command('replay')
    .description('replay archived events of a time window onto their bus')
    .requiredOption('-a, --archive <name>', 'archive to replay from')
    .requiredOption('--from <time>', 'start of the window (epoch ms/s, RFC 3339, date, or relative such as -1h)')
    .option('--to <time>', 'end of the window (default: now)', '-0s')
    .option('--name <name>', 'replay name (default: <archive>-<time>)')
    .option('--rules <arns>', 'only to these rule ARNs (comma-separated)', commaListArg)
    .option('-w, --wait', 'wait for the replay to finish, showing progress')
    .action(async (flags: ReplayFlags, cmd: Command) => withContext(cmd, async ctx => {
      const now = Date.now()
      const from = timeArg('--from', flags.from, now)
      const to = timeArg('--to', flags.to, now)
      if (to <= from) throw badArgument('--to', 'the window must end after it starts')
      const client = ctx.bus()
      const archive = await client.call('DescribeArchive', { ArchiveName: flags.archive })
      const busArn = String(archive.EventSourceArn)
      const name = flags.name ?? `${flags.archive}-${now}`.slice(0, 64)
      const started = await client.call('StartReplay', {
        ReplayName: name,
        EventSourceArn: archive.ArchiveArn,
        EventStartTime: from / 1000,
        EventEndTime: to / 1000,
        Destination: { Arn: busArn, ...(flags.rules !== undefined ? { FilterArns: flags.rules } : {}) }
      })
      if (flags.wait !== true) {
        ctx.done(`replay "${name}" started (${String(started.State)})`, { ReplayName: name, ...started })
        return
      }
      const final = await waitForReplay(ctx, name, from, to)
      if (final.State !== 'COMPLETED') throw new CommandFailure(`replay "${name}" ended ${String(final.State)}${final.StateReason ? `: ${String(final.StateReason)}` : ''}`)
      ctx.done(`replay "${name}" completed`, { ReplayName: name, ...final })
    }))
}

function timeArg (flag: string, text: string, now: number): number {
  try {
    return parseTime(text, now)
  } catch (err) {
    if (err instanceof OffsetSpecError) throw badArgument(flag, err.message)
    throw err
  }
}

async function waitForReplay (ctx: CliContext, name: string, from: number, to: number): Promise<JsonObject> {
  const client = ctx.bus()
  for (;;) {
    const replay = await client.call('DescribeReplay', { ReplayName: name })
    if (typeof replay.State === 'string' && FINAL_STATES.has(replay.State)) {
      ctx.progress.done()
      return replay
    }
    const reached = typeof replay.EventLastReplayedTime === 'number' ? replay.EventLastReplayedTime * 1000 : from
    const percent = Math.min(100, Math.max(0, Math.round((reached - from) / (to - from) * 100)))
    ctx.progress.update(`replay ${name}: ${String(replay.State)} ${percent}%`, true)
    // DescribeReplay is the only signal the bus API offers: poll it.
    await new Promise(resolve => setTimeout(resolve, 250))
  }
}
