// `hook claude|codex`: the older Node entry point of the agents' hooks, kept for hooks installed
// before tmux/agent-hook.sh (see hooks install). A hook must never disturb the agent: it prints
// nothing and always exits 0.
import type { Command } from '../command.js';
import { hookState } from '../../agents/hooks.js';

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
