// The fish completion script: one `complete` line per command, option and fixed word; agent names
// and profiles come from `tmuxcodex completion --words` (a running daemon only).
import type { CommandEntry, OptionEntry, WordSource } from './spec.js';

/** A fish single-quoted string. */
const quote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** The -a / -F arguments for a word source. */
function values(source: WordSource): string {
  switch (source.kind) {
    case 'agents': case 'profiles': return ` -f -a '(tmuxcodex completion --words ${source.kind} 2>/dev/null)'`;
    case 'files': return ' -F';
    case 'words': return ` -f -a ${quote(source.words.join(' '))}`;
    case 'none': return '';
  }
}

/** `complete` arguments for one option: -l long, -s short, -r when it takes a value. */
function optionArgs(o: OptionEntry): string {
  return o.flags.map((f) => (f.startsWith('--') ? ` -l ${f.slice(2)}` : ` -s ${f.slice(1)}`)).join('') + (o.takesValue ? ` -r${values(o.value)}` : '') + ` -d ${quote(o.help)}`;
}

/** The script for fish. */
export function fishScript(commands: readonly CommandEntry[], globals: readonly OptionEntry[]): string {
  const all = commands.flatMap((c) => c.names).join(' ');
  const lines = [
    '# tmuxcodex completion for fish. Add this line to ~/.config/fish/config.fish:',
    '#   tmuxcodex completion fish | source',
    'complete -c tmuxcodex -f',
    ...globals.map((o) => `complete -c tmuxcodex${optionArgs(o)}`),
    ...commands.flatMap((c) => {
      const when = `-n '__fish_seen_subcommand_from ${c.names.join(' ')}'`;
      return [
        ...c.names.map((n) => `complete -c tmuxcodex -n 'not __fish_seen_subcommand_from ${all}' -a ${n} -d ${quote(c.summary.slice(0, 60))}`),
        ...c.options.map((o) => `complete -c tmuxcodex ${when}${optionArgs(o)}`),
        ...(c.firstArg.kind === 'none' ? [] : [`complete -c tmuxcodex ${when}${values(c.firstArg)}`]),
      ];
    }),
  ];
  return lines.join('\n') + '\n';
}
