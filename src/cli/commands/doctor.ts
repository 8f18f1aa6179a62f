// `doctor [--json]`: every check of the install and setup, each problem with the command that fixes
// it; exit 1 when something is wrong. --json: {ok, checks: [{name, ok, detail, fix}]}.
import type { Command } from '../command.js';
import { printJson } from '../output.js';
import type { Check } from '../doctor/check.js';
import { agentsCheck, gitCheck, nodeCheck, tmuxCheck } from '../doctor/programs.js';
import { configCheck, daemonCheck, hooksCheck, keysCheck, socketDirCheck, worktreeRootCheck } from '../doctor/setup.js';

export const doctor: Command = {
  name: 'doctor',
  usage: 'doctor [--json]',
  summary: 'check the install and setup (node, tmux, git, agent CLIs, hooks, config, socket folder, daemon, keys, worktree root); exit 1 on a problem',
  options: {},
  async run(ctx) {
    // Independent looks, at once: the slowest (agent CLIs' --version) sets the time.
    const checks: Check[] = await Promise.all([
      nodeCheck(), tmuxCheck(ctx.env), gitCheck(ctx.env), agentsCheck(ctx.env), hooksCheck(ctx), configCheck(ctx),
      socketDirCheck(ctx), daemonCheck(ctx), keysCheck(ctx), worktreeRootCheck(ctx),
    ]);
    const ok = checks.every((c) => c.ok);
    if (ctx.json) printJson({ ok, checks });
    else {
      const width = Math.max(...checks.map((c) => c.name.length));
      for (const c of checks) {
        process.stdout.write(`${c.ok ? 'ok     ' : 'PROBLEM'} ${c.name.padEnd(width)}  ${c.detail}\n`);
        if (c.fix) process.stdout.write(`        ${' '.repeat(width)}  fix: ${c.fix}\n`);
      }
      process.stdout.write(ok ? 'everything looks right\n' : `${checks.filter((c) => !c.ok).length} problem(s); each has its fix above\n`);
    }
    return ok ? 0 : 1;
  },
};
