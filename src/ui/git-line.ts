// An agent's git fields, pull request and session as short text, for the sidebar and `list`.
import type { AgentRecord } from '../core/agent.js';

/** One line of an agent's git fields against its target: "↑2 ↓1 ✎3 conflict", "merged (squash)". */
export function gitLine(git: NonNullable<AgentRecord['git']>): string {
  const parts = [`↑${git.ahead}`, `↓${git.behind}`];
  if (git.dirty) parts.push(`✎${git.dirty}`);
  if (git.noCommitsYet) parts.push('no commits yet');
  else if (git.merged) parts.push(`merged${git.mergedHow === 'ancestor' ? '' : ` (${git.mergedHow})`}${git.mergedOn && git.mergedOn.includes('/') ? ` on ${git.mergedOn}` : ''}`);
  else if (git.conflicts.length) parts.push(`conflict ${git.conflicts.length}`);
  return parts.join(' ');
}

/** A pull request's short name: "#41" from a GitHub-style URL, else the URL itself. */
export function prLabel(url: string): string {
  const n = /\/pull\/(\d+)/.exec(url)?.[1];
  return n ? `#${n}` : url;
}

/** "42%" of the context used (or "12k" when the window is unknown); "-" before the first model call. */
export function contextText(context: AgentRecord['context']): string {
  if (!context) return '-';
  if (context.percent !== null) return `${Math.round(context.percent)}%`;
  return `${Math.round(context.usedTokens / 1000)}k`;
}

/** A duration for people: "45s", "12m", "3h", "2d". */
export function shortAge(since: string | null, now = Date.now()): string {
  if (!since) return '-';
  const s = Math.max(0, Math.floor((now - Date.parse(since)) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

/** The session line: "ctx 42% · 7 turns · 25m" (age of the session, or of the fresh start). */
export function sessionLine(a: AgentRecord, now = Date.now()): string | null {
  if (!a.context && !a.conversation) return null;
  const parts = [`ctx ${contextText(a.context)}`];
  if (a.conversation) parts.push(`${a.conversation.turns} turn${a.conversation.turns === 1 ? '' : 's'}`, shortAge(a.conversation.freshStartedAt ?? a.conversation.startedAt, now));
  return parts.join(' · ');
}

/** "fix blocked: conflict in a.ts (fix-a1)" for an agent whose fix chain stopped at a conflict, else null. */
export function fixBlockedText(a: AgentRecord): string | null {
  return a.fixBlocked ? `fix blocked: ${a.fixBlocked.reason} (${a.fixBlocked.fix})` : null;
}
