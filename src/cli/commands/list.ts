// `list` (ls): one row per agent, grouped by worktree, children under their parent.
import type { Command } from '../command.js';
import type { AgentRecord } from '../../core/agent.js';
import { treeOrder } from '../../core/tree.js';
import { age, escapeControl, printJson, table } from '../output.js';
import { contextText, fixBlockedText, gitLine, prLabel } from '../../ui/git-line.js';
import { daemonIfAgents, sayNoAgents } from '../read-only.js';
import { stateText } from '../agent-text.js';

export const list: Command = {
  name: 'list',
  aliases: ['ls'],
  usage: 'list',
  summary: 'one row per agent: name, id, profile, state, pane, branch → target, context used, git, pull request, port, age, folder',
  options: {},
  async run(ctx) {
    const client = await daemonIfAgents(ctx);
    if (!client) {
      sayNoAgents(ctx);
      return ctx.json ? printJson({ agents: [] }) : void process.stdout.write('no agents\n');
    }
    const res = await client.request('list', {});
    client.close();
    // A daemon running on its defaults because the config is broken says so at every look.
    for (const n of res.notices ?? []) process.stderr.write(`tmuxcodex: notice: ${escapeControl(n)}\n`);
    if (ctx.json) return printJson(res);
    // The CLIs' own sessions (claude --bg, claude -w --tmux) beside the agents, after the table.
    const unmanaged = res.unmanaged?.length ? `\nunmanaged (the CLIs' own sessions, not tmuxcodex agents):\n${table(['KIND', 'ID', 'STATUS', 'WORKTREE / FOLDER', 'ATTACH'], res.unmanaged.map((u) => [u.kind, u.id, u.status ?? '-', u.worktree ?? u.cwd, u.attach]))}` : '';
    if (!res.agents.length) return void process.stdout.write(`no agents (start one with: tmuxcodex spawn)\n${unmanaged}`);
    // Grouped by worktree: agents that share one (an integrator and its helpers) sit together.
    const byWorktree = new Map<string, AgentRecord[]>();
    for (const a of res.agents) byWorktree.set(a.worktree?.path ?? a.cwd, [...(byWorktree.get(a.worktree?.path ?? a.cwd) ?? []), a]);
    const rows: string[][] = [];
    for (const [path, group] of byWorktree) {
      // Children under their parent, indented: who spawned whom.
      for (const { agent: a, depth } of treeOrder(group)) rows.push([`${'  '.repeat(Math.max(0, depth - 1))}${depth ? '↳ ' : ''}${a.name}`, a.id, a.profile, stateText(a), a.paneId ?? '-', a.branch ? `${a.branch} → ${a.target ?? 'default'}` : '-', contextText(a.context), [a.git ? gitLine(a.git) : '-', fixBlockedText(a)].filter(Boolean).join('; '), a.pr ? prLabel(a.pr.url) : '-', a.ports[0] ? String(a.ports[0]) : '-', age(a.createdAt), `${path} (${a.worktree?.mode ?? 'shared'})`]);
    }
    process.stdout.write(table(['NAME', 'ID', 'PROFILE', 'STATE', 'PANE', 'BRANCH → TARGET', 'CTX', 'GIT', 'PR', 'PORT', 'AGE', 'WORKTREE'], rows) + unmanaged);
  },
};
