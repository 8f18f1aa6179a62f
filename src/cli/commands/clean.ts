// `clean`: tidy away exited agents whose work is merged (through the daemon).
import type { Command } from '../command.js';
import { flag } from '../command.js';
import { usageError } from '../../errors.js';
import { printJson, table, escapeControl } from '../output.js';
import { teardownLines } from '../agent-text.js';

export const clean: Command = {
  name: 'clean',
  usage: 'clean [--dry-run]',
  summary: 'remove the worktrees and branches of exited agents whose work is merged into their target',
  options: { 'dry-run': { type: 'boolean', help: 'only say what would be removed' } },
  async run(ctx) {
    if (ctx.positionals.length) throw usageError('TOO_MANY_ARGS', `clean takes no arguments (got "${ctx.positionals[0]}").`);
    const client = await ctx.daemon();
    const res = await client.request('clean', { dryRun: flag(ctx, 'dry-run'), cwd: ctx.cwd });
    client.close();
    if (ctx.json) return printJson(res);
    if (!res.results.length) return void process.stdout.write('nothing to clean: no agent has exited\n');
    process.stdout.write(table(['AGENT', 'BRANCH', 'TARGET', 'MERGED', 'ACTION', 'WHY KEPT'], res.results.map((r) => [r.agent, r.branch ?? '-', r.target ?? '-', r.merged, r.action, r.reason ?? ''])));
    for (const r of res.results) if (r.removed) process.stdout.write(escapeControl(`${r.agent}:\n${teardownLines(r.removed).join('\n')}\n`, true));
  },
};
