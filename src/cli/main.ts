#!/usr/bin/env node
// The `tributary` command. Subcommands live in one file each under src/cli/commands/.
import { Command, CommanderError } from 'commander'
import { registerStart } from './commands/start.js'

const program = new Command()
program
  .name('tributary')
  .description('An event streaming platform: a Kafka-compatible broker and an EventBridge-compatible bus over one durable log.')
  .exitOverride()
  .showHelpAfterError()

registerStart(program)

try {
  await program.parseAsync(process.argv)
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 2)
  const e = err as Error & { code?: string }
  process.stderr.write(`tributary: ${e.message}${e.code ? ` (${e.code})` : ''}\n`)
  process.exit(e.code === 'TRIB_ERR_CONFIG' ? 2 : 1)
}
