// `resurrect` brings the journal's agents back after the tmux server died, resuming their sessions.
import type { Command } from '../command.js';
import { usageError } from '../../errors.js';
import { escapeControl, printJson, table } from '../output.js';

export const resurrect: Command = {
  name: 'resurrect',
  usage: 'resurrect',
  summary: 'after the tmux server died: every agent in the journal gets a pane again, its CLI session resumed by id',
  options: {},
  async run(ctx) {
    if (ctx.positionals.length) throw usageError('TOO_MANY_ARGS', `resurrect takes no arguments (got "${ctx.positionals[0]}").`);
    const client = await ctx.daemon();
    const res = await client.request('resurrect', { cwd: ctx.cwd });
    client.close();
    const notices = res.notices ?? [];
    // Nothing brought back because the journal failed is a failure, never a quiet "nothing to do".
    const failed = res.results.some((r) => r.skipped) || (notices.length > 0 && !res.results.length) ? 1 : 0;
    if (ctx.json) {
      printJson(res);
      return failed;
    }
    for (const n of notices) process.stderr.write(`tmuxcodex: notice: ${escapeControl(n)}\n`);
    if (!res.results.length) {
      process.stdout.write(notices.length ? 'nothing to resurrect in the journal, which may be missing agents (see above)\n' : 'nothing to resurrect: every agent in the journal has its pane\n');
      return failed;
    }
    process.stdout.write(table(['AGENT', 'PANE', 'SESSION', 'NOTE'], res.results.map((r) => [r.agent, r.paneId ?? '-', r.resumed ? `resumed ${r.resumed}` : r.skipped ? '-' : 'started again', r.skipped ?? ''])));
    return failed;
  },
};
