// `completion bash|zsh|fish`: a completion script on stdout, built from the command tables. The
// scripts call `completion --words agents|profiles` for names: agents from a running daemon only
// (a completion must be quick and must not start one), profiles from the built-ins and the config.
import type { Command, CommandContext } from '../command.js';
import { str } from '../command.js';
import { usageError } from '../../errors.js';
import { commandEntries, globalEntries } from '../completion/spec.js';

const SHELLS = ['bash', 'zsh', 'fish'] as const;

/** Agent names, one a line, or nothing when no daemon runs. */
async function agentNames(ctx: CommandContext): Promise<string[]> {
  const client = await ctx.daemon({ autostart: false }).catch(() => null);
  if (!client) return [];
  const { agents } = await client.request('list', {});
  client.close();
  return agents.filter((a) => a.state !== 'gone').map((a) => a.name);
}

/** Built-in profiles and those of the config files (the built-ins alone when the config is broken). */
async function profileNames(ctx: CommandContext): Promise<string[]> {
  const { BUILTIN_PROFILES } = await import('../../agents/profiles.js');
  const names = new Set(Object.keys(BUILTIN_PROFILES));
  try {
    const { loadConfig } = await import('../../config/load.js');
    const { repositoryTop } = await import('../../agents/git-facts.js');
    const { config } = await loadConfig({ configFile: ctx.target.configFile, repoRoot: repositoryTop(ctx.cwd), env: ctx.env });
    for (const n of Object.keys(config.profiles)) names.add(n);
  } catch { /* a broken config: the built-ins still complete */ }
  return [...names];
}

export const completion: Command = {
  name: 'completion',
  usage: 'completion bash|zsh|fish',
  summary: 'print a shell completion script (commands, options, profiles, agent names); see the README for the rc-file line',
  options: { words: { type: 'string', arg: 'agents|profiles', help: 'print agent names or profiles, one a line (what the scripts ask)' } },
  async run(ctx) {
    const words = str(ctx, 'words');
    if (words !== null) {
      if (words !== 'agents' && words !== 'profiles') throw usageError('BAD_WORDS', `--words takes agents or profiles, not "${words}".`);
      const names = words === 'agents' ? await agentNames(ctx) : await profileNames(ctx);
      return void process.stdout.write(names.map((n) => `${n}\n`).join(''));
    }
    const shell = ctx.positionals[0];
    if (!shell || !(SHELLS as readonly string[]).includes(shell) || ctx.positionals.length > 1) {
      throw usageError('BAD_SHELL', shell ? `No completion for "${ctx.positionals.join(' ')}".` : 'Which shell?', `Give one of: ${SHELLS.join(', ')} (tmuxcodex completion bash).`);
    }
    const commands = commandEntries(await ctx.commands());
    const globals = globalEntries();
    const { bashScript } = await import('../completion/bash.js');
    const { zshScript } = await import('../completion/zsh.js');
    const { fishScript } = await import('../completion/fish.js');
    process.stdout.write(shell === 'bash' ? bashScript(commands, globals) : shell === 'zsh' ? zshScript(commands, globals) : fishScript(commands, globals));
  },
};
