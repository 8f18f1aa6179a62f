// A plain-text sidebar: the agents and their states, redrawn on every daemon event.
// (The blessed sidebar with context bars replaces this view later; it speaks the same protocol.)
import type { AgentRecord } from '../core/agent.js';
import { fixBlockedText, gitLine, prLabel, sessionLine } from './git-line.js';

const STATE_MARK: Record<string, string> = { running: '●', working: '●', idle: '○', waiting: '◆', starting: '…', exited: '✕', gone: '·', unknown: '?' };

/** Cuts s to width columns (agent names are ASCII; other text is cut by code point). */
function fit(s: string, width: number): string {
  const chars = [...s];
  return chars.length <= width ? s : chars.slice(0, Math.max(0, width - 1)).join('') + '…';
}

/** The sidebar's text for a pane of width columns. */
export function renderSidebar(agents: readonly AgentRecord[], width: number, status: string | null): string {
  const lines = [fit('tmuxcodex', width), fit('─'.repeat(width), width)];
  if (status) lines.push(fit(status, width));
  if (!agents.length) lines.push(fit('no agents yet', width), fit('prefix+S or', width), fit('tmuxcodex spawn', width));
  const nameOf = new Map(agents.map((a) => [a.id, a.name]));
  for (const a of agents) {
    const state = a.state === 'exited' ? `exited ${a.exitCode ?? '?'}` : a.state;
    lines.push(fit(`${STATE_MARK[a.state] ?? '?'} ${a.name}`, width), fit(`  ${a.profile} · ${state}`, width));
    if (a.branch) lines.push(fit(`  ⎇ ${a.branch}${a.target ? ` → ${a.target}` : ''}`, width));
    const session = sessionLine(a);
    if (session) lines.push(fit(`  ${session}`, width));
    if (a.git) lines.push(fit(`  ${gitLine(a.git)}`, width));
    for (const p of a.git?.conflictsWith ?? []) lines.push(fit(`  ✗ with ${p.agent}: ${p.files.join(', ')}`, width));
    const blocked = fixBlockedText(a);
    if (blocked) lines.push(fit(`  ${blocked}`, width));
    if (a.pr) lines.push(fit(`  PR ${prLabel(a.pr.url)} → ${a.pr.base}`, width));
    // A fix agent and the agent whose bug it fixes point at each other.
    if (a.fix) lines.push(fit(`  fixes ${nameOf.get(a.fix.forAgent) ?? a.fix.forAgent}${a.fix.toAll ? ' (+all)' : ''}`, width));
    const fixers = agents.filter((f) => f.fix?.forAgent === a.id).map((f) => f.name);
    if (fixers.length) lines.push(fit(`  fixed by ${fixers.join(', ')}`, width));
  }
  return lines.join('\n');
}
