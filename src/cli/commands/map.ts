// `map`: every agent branch (and worktree) against every target: ahead/behind, merged how,
// predicted conflicts, dirty files, last commit; and which agent branches conflict with each other.
import type { Command } from '../command.js';
import { str } from '../command.js';
import { loadConfig } from '../../config/load.js';
import { repositoryTop } from '../../agents/git-facts.js';
import { mapWithoutAgents } from '../../agents/map-rows.js';
import type { Result } from '../../daemon/protocol.js';
import { daemonIfAgents, sayNoAgents } from '../read-only.js';
import { age, printJson, table, escapeControl } from '../output.js';

type MapCell = Result<'map'>['rows'][number]['targets'][string];

/** One cell of the table: "↑2 ↓5 merged(squash)" or "↑1 ↓0 conflicts: a.ts, b.ts". */
function cellText(c: MapCell | null, noCommitsYet: boolean, detached = false): string {
  if (!c) return '-';
  const counts = `↑${c.ahead} ↓${c.behind}`;
  if (noCommitsYet) return `${counts} no commits yet`;
  // A detached commit is not a branch that was merged: say whether the target has it.
  if (detached && c.merged === 'ancestor') return `${counts} in target`;
  if (c.merged !== 'no') return `${counts} merged${c.merged === 'ancestor' ? '' : ` (${c.merged})`}${c.mergedOn?.includes('/') ? ` on ${c.mergedOn}` : ''}`;
  if (c.conflicts.length) return `${counts} CONFLICT ${c.conflicts.slice(0, 3).join(', ')}${c.conflicts.length > 3 ? ` +${c.conflicts.length - 3}` : ''}`;
  return `${counts} clean`;
}

export const map: Command = {
  name: 'map',
  usage: 'map [--targets main,consumer]',
  summary: 'what is merged where: each agent branch against each target, with predicted conflicts',
  options: { targets: { type: 'string', arg: 'A,B', help: 'targets to compare against (default: config targets, else the default branch)' } },
  async run(ctx) {
    const given = str(ctx, 'targets');
    const { config } = await loadConfig({ configFile: ctx.target.configFile, repoRoot: repositoryTop(ctx.cwd), env: ctx.env });
    const targets = given ? given.split(',').map((t) => t.trim()).filter(Boolean) : config.targets;
    const client = await daemonIfAgents(ctx);
    const res = client ? await client.request('map', { cwd: ctx.cwd, targets }) : await mapWithoutAgents(ctx.cwd, targets);
    if (!client) sayNoAgents(ctx);
    if (ctx.json) return printJson(res);
    // Each row marks its own target's column with '*'; agents sharing a worktree are one row.
    // A row no agent works in says who made its worktree (claude -w, codex --worktree, git); a detached one shows its commit.
    const rows = res.rows.map((r) => [r.branch ?? `(detached ${r.head?.slice(0, 12) ?? '?'})`, r.agents.length ? r.agents.join(', ') : (r.keptFrom ? `no agent (was ${r.keptFrom.agent})` : r.madeBy ? `- (${r.madeBy.by}: ${r.madeBy.name})` : '-'), r.dirty === null ? '?' : String(r.dirty), r.lastCommitAt ? age(r.lastCommitAt) : '-',
      ...res.targets.map((t) => `${r.target === t ? '*' : ' '}${cellText(r.targets[t] ?? null, r.noCommitsYet, r.branch === null)}`), [r.condition, r.keptFrom?.archive && `archive ${r.keptFrom.archive}`].filter(Boolean).join('; ')]);
    process.stdout.write(table(['BRANCH', 'AGENT', 'DIRTY', 'LAST', ...res.targets.map((t) => `→ ${t}`), 'NOTE'], rows));
    if (res.rows.some((r) => r.target && res.targets.includes(r.target))) process.stdout.write('* the row\'s own target\n');
    if (res.pairs.length) {
      process.stdout.write('\nbranches that conflict with each other:\n');
      for (const p of res.pairs) process.stdout.write(escapeControl(`  ${p.a} × ${p.b}: ${p.files.join(', ')}\n`, true));
    }
  },
};
