// An agent's git fields and pull request as short text, for the sidebar and `list`.
import type { AgentRecord } from '../core/agent.js';

/** One line of an agent's git fields against its target: "↑2 ↓1 ✎3 conflict", "merged (squash)". */
export function gitLine(git: NonNullable<AgentRecord['git']>): string {
  const parts = [`↑${git.ahead}`, `↓${git.behind}`];
  if (git.dirty) parts.push(`✎${git.dirty}`);
  if (git.merged) parts.push(`merged${git.mergedHow === 'ancestor' ? '' : ` (${git.mergedHow})`}${git.mergedOn && git.mergedOn.includes('/') ? ` on ${git.mergedOn}` : ''}`);
  else if (git.conflicts.length) parts.push(`conflict ${git.conflicts.length}`);
  return parts.join(' ');
}

/** A pull request's short name: "#41" from a GitHub-style URL, else the URL itself. */
export function prLabel(url: string): string {
  const n = /\/pull\/(\d+)/.exec(url)?.[1];
  return n ? `#${n}` : url;
}
