// `tributary completion bash|zsh`: a completion script generated from the command
// tree itself, so a new command or flag completes without anyone editing a script.
// Both scripts hold one table, "command path" → the words that may follow, and
// complete from the longest path the words typed so far lead to.
import type { Command } from 'commander'
import { choiceArg } from '../args.js'

export function registerCompletion (program: Command): void {
  program.command('completion')
    .description('print a shell completion script: eval "$(tributary completion bash)" or add it to ~/.zshrc for zsh')
    .argument('<shell>', 'bash or zsh', choiceArg('shell', ['bash', 'zsh'] as const))
    .action((shell: 'bash' | 'zsh') => {
      const table = completionTable(program)
      process.stdout.write(shell === 'bash' ? bashScript(table) : zshScript(table))
    })
}

/** "topic create" → ["--partitions", "-p", ...]; "" → the top-level commands and global flags. */
export function completionTable (program: Command): Map<string, string[]> {
  const table = new Map<string, string[]>()
  const globals = program.options.flatMap(o => [o.long, o.short]).filter((f): f is string => f !== undefined)
  const visit = (command: Command, path: string[]): void => {
    const words = [
      ...command.commands.map(c => c.name()),
      ...command.options.flatMap(o => [o.long, o.short]).filter((f): f is string => f !== undefined),
      ...globals,
      '--help'
    ]
    table.set(path.join(' '), [...new Set(words)])
    for (const sub of command.commands) visit(sub as Command, [...path, sub.name()])
  }
  visit(program, [])
  return table
}

function quote (s: string): string {
  return `'${s.replace(/'/g, "'\\''")}'`
}

function lookupLoop (table: string): string {
  return `  local cmdpath="" w
  for w in "\${words[@]}"; do
    [[ "$w" == -* ]] || cmdpath="\${cmdpath:+$cmdpath }$w"
  done
  while [[ -n "$cmdpath" && -z "\${${table}[$cmdpath]+x}" ]]; do
    if [[ "$cmdpath" == *" "* ]]; then cmdpath="\${cmdpath% *}"; else cmdpath=""; fi
  done`
}

function bashScript (table: Map<string, string[]>): string {
  const entries = [...table].map(([path, words]) => `  [${quote(path === '' ? '_' : path)}]=${quote(words.join(' '))}`).join('\n')
  return `# tributary completion for bash: eval "$(tributary completion bash)"
declare -gA _tributary_table=(
${entries}
)
_tributary() {
  local cur="\${COMP_WORDS[COMP_CWORD]}"
  local words=("\${COMP_WORDS[@]:1:COMP_CWORD-1}")
${lookupLoop('_tributary_table')}
  COMPREPLY=( $(compgen -W "\${_tributary_table[\${cmdpath:-_}]}" -- "$cur") )
}
complete -F _tributary tributary
`
}

function zshScript (table: Map<string, string[]>): string {
  const entries = [...table].map(([path, words]) => `  ${quote(path === '' ? '_' : path)} ${quote(words.join(' '))}`).join('\n')
  return `#compdef tributary
# tributary completion for zsh: eval "$(tributary completion zsh)" in ~/.zshrc (after compinit)
typeset -gA _tributary_table
_tributary_table=(
${entries}
)
_tributary() {
  local -a words_before
  words_before=("\${(@)words[2,CURRENT-1]}")
  local cmdpath="" w
  for w in "\${words_before[@]}"; do
    [[ "$w" == -* ]] || cmdpath="\${cmdpath:+$cmdpath }$w"
  done
  while [[ -n "$cmdpath" && -z "\${_tributary_table[$cmdpath]+x}" ]]; do
    if [[ "$cmdpath" == *" "* ]]; then cmdpath="\${cmdpath% *}"; else cmdpath=""; fi
  done
  compadd -- \${=_tributary_table[\${cmdpath:-_}]}
}
compdef _tributary tributary
`
}
