// The bash completion script (zsh uses it too, through bashcompinit). Commands, options and fixed
// words are written into the script; agent names and profiles are asked of `tmuxcodex completion
// --words`, which reads a running daemon and never starts one.
import type { CommandEntry, OptionEntry, WordSource } from './spec.js';

/** Shell code that fills COMPREPLY for the current word from source. */
function fill(source: WordSource): string {
  switch (source.kind) {
    case 'agents': case 'profiles': return `COMPREPLY=($(compgen -W "$(_tmuxcodex_ask ${source.kind})" -- "$cur"))`;
    case 'files': return 'compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur"))';
    case 'words': return `COMPREPLY=($(compgen -W "${source.words.join(' ')}" -- "$cur"))`;
    case 'none': return 'COMPREPLY=()';
  }
}

const flagsOf = (options: readonly OptionEntry[]) => options.flatMap((o) => o.flags).join(' ');
const valuedFlagsOf = (options: readonly OptionEntry[]) => options.filter((o) => o.takesValue).flatMap((o) => o.flags).join(' ');
/** A case pattern for several words: a|b|c. */
const pattern = (words: readonly string[]) => words.join('|');

/** The script for bash. */
export function bashScript(commands: readonly CommandEntry[], globals: readonly OptionEntry[]): string {
  const names = commands.flatMap((c) => c.names).concat('help').join(' ');
  const valueCases = [
    ...globals.filter((o) => o.takesValue && o.flags.includes('--socket-name')).map((o) => `    *:${pattern(o.flags)}) COMPREPLY=($(compgen -W "$(command ls "\${TMUX_TMPDIR:-/tmp}/tmux-$UID" 2>/dev/null)" -- "$cur")); return ;;`),
    ...globals.filter((o) => o.takesValue && !o.flags.includes('--socket-name')).map((o) => `    *:${pattern(o.flags)}) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")); return ;;`),
    ...commands.flatMap((c) => c.options.filter((o) => o.takesValue).map((o) => `    ${pattern(c.names.flatMap((n) => o.flags.map((f) => `${n}:${f}`)))}) ${fill(o.value)}; return ;;`)),
  ];
  return `# tmuxcodex completion for bash. Add this line to ~/.bashrc:
#   eval "$(tmuxcodex completion bash)"

# Agent names or profiles, from a running daemon only (never started for a completion); -L/-S as typed.
_tmuxcodex_ask() {
  command tmuxcodex "\${_tmuxcodex_server[@]}" completion --words "$1" 2>/dev/null
}

_tmuxcodex() {
  # Under zsh's bashcompinit, COMP_WORDS is indexed from 0 only with ksharrays (as in bash).
  [[ -n "\${ZSH_VERSION:-}" ]] && setopt localoptions ksharrays
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="" cmd="" valued="" npos=0 i w
  _tmuxcodex_server=()
  (( COMP_CWORD > 0 )) && prev="\${COMP_WORDS[COMP_CWORD-1]}"
  # The tmux server typed anywhere on the line (global options go before or after the command).
  for (( i = 1; i < COMP_CWORD - 1; i++ )); do
    case "\${COMP_WORDS[i]}" in
      -L|-S|--socket-name|--socket-path) _tmuxcodex_server+=("\${COMP_WORDS[i]}" "\${COMP_WORDS[i+1]}"); (( i++ )) ;;
    esac
  done
  # The command word: the first word that is neither a global option nor its value.
  for (( i = 1; i < COMP_CWORD; i++ )); do
    w="\${COMP_WORDS[i]}"
    case "$w" in
      -L|-S|--socket-name|--socket-path) (( i++ )) ;;
      ${pattern(globals.filter((o) => o.takesValue && !o.flags.includes('-L') && !o.flags.includes('-S')).flatMap((o) => o.flags))}) (( i++ )) ;;
      -*) ;;
      *) cmd="$w"; break ;;
    esac
  done
  case "$cmd" in
${commands.map((c) => `    ${pattern(c.names)}) valued="${valuedFlagsOf(c.options)}" ;;`).join('\n')}
  esac
  # An option's value.
  case "$cmd:$prev" in
${valueCases.join('\n')}
  esac
  if [[ -z "$cmd" ]]; then
    if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "${flagsOf(globals)}" -- "$cur"))
    else COMPREPLY=($(compgen -W "${names}" -- "$cur")); fi
    return
  fi
  if [[ "$cur" == -* ]]; then
    case "$cmd" in
${commands.map((c) => `      ${pattern(c.names)}) COMPREPLY=($(compgen -W "${flagsOf(c.options)} ${flagsOf(globals)}" -- "$cur")) ;;`).join('\n')}
      *) COMPREPLY=($(compgen -W "${flagsOf(globals)}" -- "$cur")) ;;
    esac
    return
  fi
  # Which argument this is: words after the command that are neither options nor their values.
  for (( i = i + 1; i < COMP_CWORD; i++ )); do
    w="\${COMP_WORDS[i]}"
    case " $valued -L -S --socket-name --socket-path --config " in *" $w "*) (( i++ )); continue ;; esac
    [[ "$w" == -* ]] || (( npos++ ))
  done
  (( npos == 0 )) || { COMPREPLY=(); return; }
  case "$cmd" in
${commands.filter((c) => c.firstArg.kind !== 'none').map((c) => `    ${pattern(c.names)}) ${fill(c.firstArg)} ;;`).join('\n')}
    help) COMPREPLY=($(compgen -W "${names} agents" -- "$cur")) ;;
    *) COMPREPLY=() ;;
  esac
}
complete -F _tmuxcodex tmuxcodex
`;
}
