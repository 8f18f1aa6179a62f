// `hooks install|uninstall` wires Claude Code's hooks and Codex's notify to tmuxcodex's hook script
// (tmux/agent-hook.sh, which hands the event to the daemon through a file it watches). `hook` is the
// older Node entry point, kept for hooks installed before. A hook must never disturb the agent: it
// prints nothing and always exits 0.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Command } from '../command.js';
import { flag } from '../command.js';
import { usageError } from '../../errors.js';
import { shellWord } from '../../tmux/command.js';
import { claudeSettingsFile, hookState, installClaudeHooks, installCodexNotify, uninstallClaudeHooks, uninstallCodexNotify, type HookTarget } from '../../agents/hooks.js';
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

/** Claude passes the hook's JSON on stdin; nothing within a second (a terminal, a pipe left open) gives null. */
function readStdinJson(): Promise<Record<string, unknown> | null> {
  if (process.stdin.isTTY) return Promise.resolve(null);
  return new Promise((resolve) => {
    let text = '';
    const done = () => {
      clearTimeout(timer);
      process.stdin.pause();
      try { resolve(JSON.parse(text) as Record<string, unknown>); } catch { resolve(null); }
    };
    const timer = setTimeout(done, 1000);
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (d: string) => { text += d; });
    process.stdin.once('end', done);
    process.stdin.once('error', done);
  });
}

export const hook: Command = {
  name: 'hook',
  usage: 'hook claude|codex [ARGS...]',
  summary: 'called by the agents\' hooks (see hooks install); reports the agent\'s state to the daemon',
  options: {},
  async run(ctx) {
    const [kind, ...rest] = ctx.positionals;
    const agent = ctx.env.TMUXCODEX_AGENT_ID;
    // A hook fires for sessions tmuxcodex did not start too: those have no agent id, and are left alone.
    if (!agent || (kind !== 'claude' && kind !== 'codex')) return 0;
    try {
      const event = rest.find((a) => a.startsWith('tmuxcodex-hook='))?.slice('tmuxcodex-hook='.length) ?? null;
      // Codex gives its JSON as the last argument; Claude on stdin.
      const payload = kind === 'codex' ? (() => { try { return JSON.parse(rest[rest.length - 1] ?? '') as Record<string, unknown>; } catch { return null; } })() : await readStdinJson();
      const said = hookState(kind, event, payload);
      if (!said) return 0;
      const client = await ctx.daemon({ autostart: false });
      await client.request('signal', { agent, state: said.state, detail: said.detail });
      client.close();
    } catch { /* the agent must not be disturbed by a daemon that is down */ }
    return 0;
  },
};
