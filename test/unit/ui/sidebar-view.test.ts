// The blessed sidebar's content, as plain text: blocks per agent grouped by worktree, compact mode
// for short panes, ASCII without UTF-8, every line within the width from 24 to 60 columns. The
// 30- and 60-column renderings are kept as text fixtures (test/fixtures/sidebar/).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { AgentRecord } from '../../../src/core/agent.js';
import { lineWidth, plainText, sidebarLines, type ViewOptions } from '../../../src/ui/sidebar/view.js';
import { paneId, windowId } from '../../../src/tmux/ids.js';

const NOW = Date.parse('2026-11-28T10:00:00Z');
let n = 0;
function agent(over: Partial<AgentRecord> = {}): AgentRecord {
  n++;
  return {
    id: (0x40000000 + n).toString(16), name: `a${n}`, profile: 'claude', paneId: paneId(`%${n}`), windowId: windowId('@1'), session: 'agents',
    cwd: '/work/repo', worktree: null, branch: null, base: null, target: null, parentId: null, task: null,
    createdAt: new Date(Date.UTC(2026, 10, 28, 8, 0, n)).toISOString(), sessionId: null, transcriptPath: null,
    state: 'running', exitCode: null, ports: [], source: null, deps: [], branchCreated: false, fix: null, pr: null, context: null, contextWindow: null, model: null, transcriptFormat: null, launch: null, conversation: null, git: null,
    ...over,
  };
}
const git = (over: Partial<NonNullable<AgentRecord['git']>> = {}): NonNullable<AgentRecord['git']> => ({ ahead: 0, behind: 0, dirty: 0, merged: false, mergedHow: 'no', mergedOn: null, conflicts: [], ...over });
const conversation = (startedAt: string, turns: number) => ({ startedAt, lastActivityAt: startedAt, turns, compactions: 0, freshStartedAt: null, lineage: [] });

/** A session of four agents in two worktrees, as a person sees it mid-afternoon. */
function scene(): AgentRecord[] {
  n = 0;
  return [
    agent({ name: 'login-fix', worktree: { path: '/work/repo.worktrees/login-fix', mode: 'new' }, branch: 'login-fix', target: 'main', state: 'working', transcriptFormat: 'claude',
      context: { usedTokens: 84000, windowTokens: 200000, percent: 42, updatedAt: '' }, conversation: conversation('2026-11-28T09:35:00Z', 7), git: git({ ahead: 3, behind: 1, dirty: 2 }) }),
    agent({ name: 'helper', profile: 'codex', worktree: { path: '/work/repo.worktrees/login-fix', mode: 'shared' }, branch: 'login-fix', target: 'main', state: 'waiting', transcriptFormat: 'codex',
      context: { usedTokens: 161000, windowTokens: 190000, percent: 84.7, updatedAt: '' }, conversation: conversation('2026-11-28T06:00:00Z', 31), git: git({ ahead: 3, behind: 1, conflicts: ['src/a.ts'] }) }),
    agent({ name: 'api', worktree: { path: '/work/repo.worktrees/api', mode: 'new' }, branch: 'api', target: 'consumer', state: 'idle', transcriptFormat: 'claude',
      context: { usedTokens: 130000, windowTokens: 200000, percent: 65, updatedAt: '' }, conversation: conversation('2026-11-28T09:58:00Z', 2), git: git({ ahead: 1, merged: true, mergedHow: 'squash', mergedOn: 'consumer' }), pr: { url: 'https://github.com/acme/w/pull/41', base: 'consumer' } }),
    agent({ name: 'tests', profile: 'shell', worktree: { path: '/work/repo.worktrees/api', mode: 'shared' }, state: 'exited', exitCode: 1 }),
  ];
}

const opts = (over: Partial<ViewOptions> = {}): ViewOptions => ({ width: 30, height: 50, selected: null, unicode: true, thresholds: { contextWarn: 60, contextCritical: 80 }, status: null, now: NOW, ...over });
const fixture = (name: string) => readFileSync(new URL(`../../fixtures/sidebar/${name}`, import.meta.url), 'utf8');

describe('sidebar view', () => {
  it('at 30 columns matches the kept text capture', () => {
    expect(plainText(sidebarLines(scene(), opts()), null) + '\n').toBe(fixture('sidebar-30.txt'));
  });

  it('at 60 columns matches the kept text capture', () => {
    expect(plainText(sidebarLines(scene(), opts({ width: 60 })), null) + '\n').toBe(fixture('sidebar-60.txt'));
  });

  it('every line fits the width, from 24 to 60 columns, in both modes and both character sets', () => {
    for (let width = 24; width <= 60; width++) {
      for (const unicode of [true, false]) {
        for (const height of [50, 10]) {
          for (const line of sidebarLines(scene(), opts({ width, height, unicode, status: 'daemon stopped; waiting for it to come back' }))) expect(lineWidth(line.segments)).toBeLessThanOrEqual(width);
        }
      }
    }
  });

  it('at 30 columns abbreviates a long branch, never the counts and marks (issue 15, item 6)', () => {
    const a = agent({ name: 'feat', branch: 'feature/checkout-redirect-loop-on-login', target: 'consumer', worktree: { path: '/w/feat', mode: 'new' }, git: git({ ahead: 12, behind: 345, conflicts: ['a.ts'] }) });
    const lines = plainText(sidebarLines([a], opts()), null).split('\n');
    const line = lines.find((l) => l.includes('↑'))!;
    expect(line.endsWith(' ↑12 ↓345 ✗1')).toBe(true);
    expect(line).toBe('  feat…→consumer ↑12 ↓345 ✗1');
    expect([...line].length).toBeLessThanOrEqual(30);
    // A long target gives way too, after the branch has kept a few letters.
    const b = agent({ name: 'b', branch: 'feature/long-name', target: 'release/2026-q4-consumer-hotfixes', worktree: { path: '/w/b', mode: 'new' }, git: git({ ahead: 1, behind: 2, merged: true, mergedHow: 'ancestor', mergedOn: 'x' }) });
    const bl = plainText(sidebarLines([b], opts()), null).split('\n').find((l) => l.includes('↑'))!;
    expect(bl.endsWith(' ↑1 ↓2 merged')).toBe(true);
    expect([...bl].length).toBeLessThanOrEqual(30);
  });

  it('shows a pair of agent branches that conflict, on both agents (issue 15, item 6)', () => {
    const a = agent({ name: 'left', branch: 'left', target: 'main', worktree: { path: '/w/left', mode: 'new' }, git: git({ ahead: 1, conflictsWith: [{ agent: 'right', files: ['shared.txt'] }] }) });
    expect(plainText(sidebarLines([a], opts()), null).split('\n')).toContain('  ✗ with right: shared.txt');
  });

  it('goes compact (one line per agent) when the blocks do not fit the height', () => {
    const text = plainText(sidebarLines(scene(), opts({ height: 10 })), null).split('\n');
    expect(plainText(sidebarLines(scene(), opts({ height: 24 })), null).split('\n')).toHaveLength(6); // a phone's 80x24: compact even where blocks would fit
    expect(text.slice(2)).toEqual(['● login-fix 42% ↑3', '◆ helper 85% ↑3 ✗', '○ api 65% ↑1', '✕ tests']);
  });

  it('uses ASCII without UTF-8', () => {
    const text = plainText(sidebarLines(scene(), opts({ unicode: false })), null);
    expect(text).toMatch(/^[\x20-\x7e\n]*$/);
    expect(text).toContain('! helper codex');
    expect(text).toContain('login-fix->main +3 -1');
  });

  it('marks the lines of the selected agent, and each line knows its agent (for clicks)', () => {
    const agents = scene();
    const lines = sidebarLines(agents, opts({ selected: agents[2]!.id }));
    expect(plainText(lines, agents[2]!.id).split('\n').filter((l) => l.startsWith('>'))).toEqual(['>○ api claude · idle', '>  api→consumer ↑1 ↓0 merged', '>  2m · 2t · PR #41', '>  █████████████░░░░░░░ 65%']);
    expect(new Set(lines.filter((l) => l.agentId).map((l) => l.agentId)).size).toBe(4);
  });

  it('with no agents, says how to start one', () => {
    expect(plainText(sidebarLines([], opts()), null)).toContain('n: spawn one');
  });
});

describe('what a waiting agent waits for', () => {
  it('shows under the agent while it waits, and not once it works again', () => {
    const waiting = agent({ name: 'asker', state: 'waiting', waitingFor: 'permission prompt', transcriptFormat: 'claude' });
    const text = plainText(sidebarLines([waiting], opts()), null);
    expect(text).toContain('  needs you: permission prompt');
    expect(plainText(sidebarLines([{ ...waiting, state: 'working' }], opts()), null)).not.toContain('needs you');
  });
});
