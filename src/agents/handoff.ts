// The handoff brief `fresh` gives a new session: what the agent was asked, where its work stands in
// git, and the last of its conversation, so a session started with an empty context picks up the
// thread. Written to the daemon's state folder too, for the person to read.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentRecord } from '../core/agent.js';
import type { SessionFacts } from '../core/session.js';
import { writeFileAtomic } from '../fs/atomic.js';
import { gitRaw } from '../git/worktree.js';
import { excludingNested } from '../git/nested-worktrees.js';

const git = (dir: string, args: string[]) => gitRaw(dir, args).then((o) => o.trimEnd(), () => '');

/** Where the agent's work forked from its target (or its recorded base), for the diff and the log. */
async function forkPoint(dir: string, agent: AgentRecord): Promise<string | null> {
  if (agent.target) {
    const mb = (await git(dir, ['merge-base', 'HEAD', `refs/heads/${agent.target}`])).trim();
    if (mb) return mb;
  }
  return agent.base;
}

const quote = (text: string) => text.split('\n').map((l) => `> ${l}`).join('\n');

/** Why a fresh session was started: asked for by hand, or on policy after a threshold. */
export type FreshReason =
  | { kind: 'manual' }
  | { kind: 'context'; percent: number; limit: number }
  | { kind: 'age'; hours: number; limit: number };

/** The brief's opening sentence: it says why, so the new session (and the person) knows. */
export function whyFresh(reason: FreshReason): string {
  switch (reason.kind) {
    case 'manual': return 'You continue the work of an earlier session of this agent, which the person asked to restart fresh.';
    case 'context': return `You continue the work of an earlier session of this agent, whose context was ${Math.round(reason.percent)}% full (the limit is ${reason.limit}%).`;
    case 'age': return `You continue the work of an earlier session of this agent, which had run for ${Math.floor(reason.hours)} hours (the limit is ${reason.limit}).`;
  }
}

/** The brief as Markdown. */
export async function handoffBrief(agent: AgentRecord, facts: SessionFacts | null, now: Date, reason: FreshReason = { kind: 'manual' }): Promise<string> {
  const dir = agent.worktree?.path ?? agent.cwd;
  const fork = await forkPoint(dir, agent);
  const [stat, log, status] = await Promise.all([
    fork ? git(dir, ['diff', '--no-color', '--stat', fork]) : Promise.resolve(''),
    git(dir, ['log', '--no-color', '--oneline', '-15', ...(fork ? [`${fork}..HEAD`] : ['HEAD'])]),
    excludingNested(dir).then((tail) => git(dir, ['status', '--porcelain', '--untracked-files=all', ...tail]), () => git(dir, ['status', '--porcelain', '--untracked-files=all'])),
  ]);
  const parts = [
    `# Handoff brief: ${agent.name}, ${now.toISOString()}`,
    `${whyFresh(reason)} Read this, then carry on; ask if something is unclear.`,
    `## The task\n${agent.task?.trim() || '(no task was recorded; see the conversation below)'}`,
    `## Where the work is\n- folder: ${dir}\n- branch: ${agent.branch ?? '(none)'}${agent.target ? `, to land on ${agent.target}` : ''}${fork ? `\n- forked from: ${fork.slice(0, 12)}` : ''}`,
    `## Changes so far (git diff --stat${fork ? ` ${fork.slice(0, 12)}` : ''})\n${stat ? '```\n' + stat + '\n```' : '(none)'}`,
    `## Commits on the branch\n${log ? '```\n' + log + '\n```' : '(none yet)'}`,
    `## Uncommitted files\n${status ? '```\n' + status + '\n```' : '(none)'}`,
  ];
  if (facts?.recentPrompts.length) parts.push(`## The last prompts\n${facts.recentPrompts.map(quote).join('\n\n')}`);
  if (facts?.lastAnswer) parts.push(`## The last answer\n${quote(facts.lastAnswer)}`);
  if (agent.sessionId) parts.push(`## The earlier session\n${agent.sessionId}${agent.transcriptPath ? ` (${agent.transcriptPath})` : ''}`);
  return parts.join('\n\n') + '\n';
}

/** Writes the brief under stateDir/briefs/ and returns its path. */
export function saveBrief(stateDir: string, agent: AgentRecord, text: string, now: Date): string {
  const dir = join(stateDir, 'briefs');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `${agent.name}-${now.toISOString().replace(/[:.]/g, '-')}.md`);
  writeFileAtomic(path, text);
  return path;
}
