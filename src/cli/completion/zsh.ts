// The zsh completion script: zsh runs the bash one through its bashcompinit layer, so both shells
// complete the same words from the same tables.
import { bashScript } from './bash.js';
import type { CommandEntry, OptionEntry } from './spec.js';

/** The script for zsh. */
export function zshScript(commands: readonly CommandEntry[], globals: readonly OptionEntry[]): string {
  return `# tmuxcodex completion for zsh. Add this line to ~/.zshrc (after compinit):
#   eval "$(tmuxcodex completion zsh)"
autoload -U +X compinit && { (( $+functions[compdef] )) || compinit; }
autoload -U +X bashcompinit && bashcompinit
${bashScript(commands, globals).split('\n').filter((l) => !l.startsWith('# tmuxcodex completion') && !l.startsWith('#   eval')).join('\n')}`;
}
