// The short texts tmux shows for agents: the status-bar segment (all agents at a glance) and each
// agent pane's border. Pure: they are built from agent records only.
import type { AgentRecord } from './agent.js';

const ORDER = ['waiting', 'working', 'idle', 'starting', 'running', 'exited', 'unknown'] as const;

/** "tmuxcodex: 1 waiting (a1) · 2 working · 3 idle · ctx 72%": agents by state, who waits, the fullest context. */
export function statusSegment(agents: readonly AgentRecord[]): string {
  const live = agents.filter((a) => a.state !== 'gone');
  if (!live.length) return '';
  const count = new Map<string, number>();
  for (const a of live) count.set(a.state, (count.get(a.state) ?? 0) + 1);
  const parts = ORDER.filter((s) => count.has(s)).map((s) => {
    const n = count.get(s)!;
    if (s !== 'waiting') return `${n} ${s}`;
    const who = live.filter((a) => a.state === 'waiting').map((a) => a.name);
    return `${n} waiting (${who.slice(0, 3).join(', ')}${who.length > 3 ? ', …' : ''})`;
  });
  const fullest = Math.max(-1, ...live.map((a) => a.context?.percent ?? -1));
  if (fullest >= 0) parts.push(`ctx ${Math.round(fullest)}%`);
  return `tmuxcodex: ${parts.join(' · ')}`;
}

/** An agent pane's border: "a1  feat-x→main  ctx 42%  working". */
export function paneBorder(a: AgentRecord): string {
  const parts = [a.name];
  if (a.branch) parts.push(a.target && a.target !== a.branch ? `${a.branch}→${a.target}` : a.branch);
  if (a.context?.percent != null) parts.push(`ctx ${Math.round(a.context.percent)}%`);
  parts.push(a.state === 'exited' ? `exited ${a.exitCode ?? '?'}` : a.state);
  return parts.join('  ');
}
