#!/usr/bin/env node
// The `tributary` command. Subcommands live in one file each under src/cli/commands/;
// every one except `start` talks to a running Tributary over its public interfaces
// (the Kafka protocol and the bus API), never its data directory.
// Exit codes: 0 success, 1 the command failed, 2 the command line is wrong.
import { Command, CommanderError, Option } from 'commander'
import { ExitCode } from './output/errors.js'

type Register = (program: Command) => void
/** Every command's registration, loaded when called; in the order the help lists them. */
const commands: Record<string, () => Promise<Register>> = {
  start: async () => (await import('./commands/start.js')).registerStart,
  topic: async () => (await import('./commands/topic.js')).registerTopic,
  produce: async () => (await import('./commands/produce.js')).registerProduce,
  consume: async () => (await import('./commands/consume.js')).registerConsume,
  group: async () => (await import('./commands/group.js')).registerGroup,
  bus: async () => (await import('./commands/bus.js')).registerBus,
  status: async () => (await import('./commands/status.js')).registerStatus,
  completion: async () => (await import('./commands/completion.js')).registerCompletion,
}
// `tributary start` loads its own command only: the broker loads what it needs itself, and the other commands'
// modules (the clients' command-line parts) were time before /health answers (issue 15, target 4). Any other
// first argument (a command, help, a global option) registers every command, as completion and help list them.
const registrations = process.argv[2] === 'start' ? [commands.start!] : Object.values(commands)

const program = new Command()
program
  .name('tributary')
  .description('An event streaming platform: a Kafka-compatible broker and an EventBridge-compatible bus over one durable log.')
  .addOption(new Option('--brokers <host:port,...>', 'Kafka bootstrap address (TRIBUTARY_BROKERS; default 127.0.0.1:9092)'))
  .addOption(new Option('--endpoint <url>', 'bus API / HTTP address (TRIBUTARY_ENDPOINT; default http://127.0.0.1:8080)'))
  .option('--json', 'JSON output for scripts')
  .exitOverride()
  .showHelpAfterError('(add --help for usage)')
  .configureOutput({ outputError: (text, write) => write(`tributary: ${text.replace(/^error: /, '')}`) })

// loaded together, registered in this order (the order of the help's command list)
for (const register of await Promise.all(registrations.map(async load => await load()))) register(program)

// Every subcommand fails the same way as the program on bad usage (exit 2, not commander's 1).
for (const command of allCommands(program)) command.exitOverride()

// `consume ... | head` closes our stdout early: that is success, not a crash.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(ExitCode.ok)
  throw err
})

// On success the exit code is set, not forced with process.exit(), so output still
// queued for a pipe is written before the process ends.
try {
  await program.parseAsync(process.argv)
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? ExitCode.ok : ExitCode.usage
  } else {
    const { describeFailure } = await import('./output/failure.js')
    const failure = describeFailure(err)
    process.stderr.write(`tributary: ${failure.message}\n`)
    // A failed `start` may hold half-open servers: end the process outright.
    process.exit(failure.exitCode)
  }
}

function allCommands (command: Command): Command[] {
  return [command, ...command.commands.flatMap(c => allCommands(c as Command))]
}
