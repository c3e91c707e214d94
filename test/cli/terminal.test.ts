// What depends on the terminal: colours only on a TTY and never with NO_COLOR
// (a real pseudo-terminal through util-linux `script`), and shell completion
// scripts that a real bash loads and answers from.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { BrokerProcess, projectRoot } from '../helpers/broker-process.js'
import { runCli } from './cli-process.js'

let broker: BrokerProcess

before(async () => { broker = await BrokerProcess.start() })
after(async () => { await broker.cleanup() })

const cliCommand = `${process.execPath} --import tsx ${join(projectRoot, 'src/cli/main.ts')}`

function onTerminal (args: string, env: Record<string, string> = {}): string {
  const result = spawnSync('script', ['-qec', `${cliCommand} ${args}`, '/dev/null'], {
    cwd: projectRoot,
    encoding: 'utf8',
    env: { ...process.env, TERM: 'xterm', NO_COLOR: '', ...env }
  })
  assert.equal(result.status, 0, result.stderr + result.stdout)
  return result.stdout
}

test('a table on a terminal is coloured, and plain with NO_COLOR or in a pipe', async () => {
  const coloured = onTerminal(`topic list --brokers ${broker.bootstrap}`)
  assert.ok(coloured.includes('\u001b[1mNAME'), `expected a bold header in ${JSON.stringify(coloured)}`)
  const plain = onTerminal(`topic list --brokers ${broker.bootstrap}`, { NO_COLOR: '1' })
  assert.ok(!plain.includes('\u001b['), `expected no escapes in ${JSON.stringify(plain)}`)
  const piped = await runCli(['topic', 'list', '--brokers', broker.bootstrap])
  assert.ok(!piped.stdout.includes('\u001b['))
})

test('bash completion completes commands, subcommands and flags from the command tree', async () => {
  const script = (await runCli(['completion', 'bash'])).stdout
  const complete = (words: string[]): string[] => {
    const program = `${script}\nCOMP_WORDS=(${words.map(w => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _tributary; printf '%s\\n' "\${COMPREPLY[@]}"`
    const result = spawnSync('bash', ['-c', program], { encoding: 'utf8' })
    assert.equal(result.status, 0, result.stderr)
    return result.stdout.split('\n').filter(w => w !== '')
  }
  assert.deepEqual(complete(['tributary', 'gr']), ['group'])
  assert.deepEqual(complete(['tributary', 'topic', 'a']).sort(), ['add-partitions', 'alter-config'])
  assert.ok(complete(['tributary', 'consume', 'orders', '--re']).includes('--read-committed'))
  assert.ok(complete(['tributary', 'topic', 'create', 'x', '-']).includes('--partitions'))
  assert.ok(complete(['tributary', 'bus', '']).includes('test-pattern'))
})

test('the zsh script defines the same table and registers with compdef', async () => {
  const zsh = await runCli(['completion', 'zsh'])
  assert.equal(zsh.status, 0)
  assert.match(zsh.stdout, /^#compdef tributary/)
  assert.match(zsh.stdout, /'topic create' '[^']*--partitions/)
  assert.match(zsh.stdout, /compdef _tributary tributary\n$/)
  const unknown = await runCli(['completion', 'fish'])
  assert.equal(unknown.status, 2)
  assert.match(unknown.stderr, /invalid shell: "fish"/)
})
