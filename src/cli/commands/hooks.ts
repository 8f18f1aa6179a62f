// `hooks install|uninstall` wires Claude Code's hooks and Codex's notify to tmuxcodex's hook script
// (tmux/agent-hook.sh, which hands the event to the daemon through a file it watches). The older
// Node entry point is `hook` (hook.ts).
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Command } from '../command.js';
import { flag } from '../command.js';
import { usageError } from '../../errors.js';
import { shellWord } from '../../tmux/command.js';
import { claudeSettingsFile, installClaudeHooks, installCodexNotify, uninstallClaudeHooks, uninstallCodexNotify, type HookTarget } from '../../agents/hooks.js';
import { claudeConfigDir, codexHome } from '../../transcripts/locate.js';
import { printJson, table } from '../output.js';

/** The hook itself: a few lines of POSIX sh that append the event to the agent's file (no Node start). */
const HOOK_SCRIPT = fileURLToPath(new URL('../../../tmux/agent-hook.sh', import.meta.url));

export const hooks: Command = {
  name: 'hooks',
  usage: 'hooks install|uninstall [--claude] [--codex] [--dry-run]',
  summary: 'let Claude Code (hooks) and Codex (notify) tell tmuxcodex when an agent waits for you, works or is idle',
  options: {
    claude: { type: 'boolean', help: 'only Claude Code ($CLAUDE_CONFIG_DIR/settings.json)' },
    codex: { type: 'boolean', help: 'only Codex ($CODEX_HOME/config.toml)' },
    'dry-run': { type: 'boolean', help: 'say what would change' },
  },
  async run(ctx) {
    const action = ctx.positionals[0];
    if (action !== 'install' && action !== 'uninstall') throw usageError('HOOKS_ACTION', `hooks takes install or uninstall${action ? `, not "${action}"` : ''}.`, 'tmuxcodex hooks install');
    const both = !flag(ctx, 'claude') && !flag(ctx, 'codex');
    const dryRun = flag(ctx, 'dry-run');
    const settings = claudeSettingsFile(claudeConfigDir(ctx.env));
    const config = join(codexHome(ctx.env), 'config.toml');
    const results: HookTarget[] = [];
    if (both || flag(ctx, 'claude')) {
      const command = ['/bin/sh', HOOK_SCRIPT, 'claude'].map(shellWord).join(' ');
      results.push(action === 'install' ? installClaudeHooks(settings, command, dryRun) : uninstallClaudeHooks(settings));
    }
    if (both || flag(ctx, 'codex')) results.push(action === 'install' ? await installCodexNotify(config, ['/bin/sh', HOOK_SCRIPT, 'codex'], dryRun) : await uninstallCodexNotify(config));
    if (ctx.json) return printJson({ results });
    process.stdout.write(table(['FILE', 'CHANGED', 'WHAT'], results.map((r) => [r.file, r.changed ? 'yes' : 'no', r.note])));
  },
};
