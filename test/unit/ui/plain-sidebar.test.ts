// The plain sidebar's text: states, branch and target, git fields, and fix relationships.
import { describe, expect, it } from 'vitest';
import type { AgentRecord } from '../../../src/core/agent.js';
import { renderSidebar } from '../../../src/ui/plain-sidebar.js';
import { contextText, gitLine, prLabel, sessionLine, shortAge } from '../../../src/ui/git-line.js';
import { paneId, windowId } from '../../../src/tmux/ids.js';

let n = 0;
function agent(over: Partial<AgentRecord> = {}): AgentRecord {
  n++;
  return {
    id: (0x20000000 + n).toString(16), name: `agent-${n}`, profile: 'codex', paneId: paneId(`%${n}`), windowId: windowId('@1'), session: 'agents',
    cwd: '/tmp', worktree: null, branch: null, base: null, target: null, parentId: null, task: null,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(), sessionId: null, transcriptPath: null,
    state: 'running', exitCode: null, ports: [], source: null, deps: [], branchCreated: false, fix: null, pr: null, context: null, contextWindow: null, model: null, transcriptFormat: null, launch: null, conversation: null, git: null,
    ...over,
  };
}

const git = (over: Partial<NonNullable<AgentRecord['git']>> = {}): NonNullable<AgentRecord['git']> =>
  ({ ahead: 0, behind: 0, dirty: 0, merged: false, mergedHow: 'no', mergedOn: null, conflicts: [], ...over });

describe('gitLine', () => {
  it.each([
    [git({ ahead: 2, behind: 1 }), '↑2 ↓1'],
    [git({ ahead: 1, dirty: 3, conflicts: ['a.ts', 'b.ts'] }), '↑1 ↓0 ✎3 conflict 2'],
    [git({ merged: true, mergedHow: 'ancestor', mergedOn: 'main' }), '↑0 ↓0 merged'],
    [git({ behind: 2, noCommitsYet: true }), '↑0 ↓2 no commits yet'],
    [git({ ahead: 2, merged: true, mergedHow: 'squash', mergedOn: 'main' }), '↑2 ↓0 merged (squash)'],
    [git({ ahead: 1, merged: true, mergedHow: 'ancestor', mergedOn: 'origin/main' }), '↑1 ↓0 merged on origin/main'],
  ])('%o -> %s', (fields, text) => {
    expect(gitLine(fields)).toBe(text);
  });
});

describe('renderSidebar', () => {
  it('shows branch → target, the git line, and which agent fixes which, both ways', () => {
    const a1 = agent({ name: 'a1', branch: 'a1', target: 'main', git: git({ ahead: 1, dirty: 2 }) });
    const fix = agent({ name: 'fix-a1', branch: 'fix-a1', target: 'main', fix: { forAgent: a1.id, toAll: true, propagatedTip: null }, pr: { url: 'https://github.com/acme/w/pull/41', base: 'main' } });
    const text = renderSidebar([a1, fix], 30, null).split('\n');
    expect(text).toEqual([
      'tmuxcodex', '─'.repeat(30),
      '● a1', '  codex · running', '  ⎇ a1 → main', '  ↑1 ↓0 ✎2', '  fixed by fix-a1',
      '● fix-a1', '  codex · running', '  ⎇ fix-a1 → main', '  PR #41 → main', '  fixes a1 (+all)',
    ]);
  });

  it('says when a fix chain is blocked by a conflict in the agent\'s worktree (issue 15, item 2)', () => {
    const a1 = agent({ name: 'a1', branch: 'a1', target: 'main', git: git({ ahead: 1 }), fixBlocked: { fix: 'fix-a1', commit: 'f'.repeat(40), files: ['x.ts'], reason: 'conflict in x.ts' } });
    expect(renderSidebar([a1], 40, null).split('\n')).toContain('  fix blocked: conflict in x.ts (fix-a1)');
  });

  it('cuts every line to the pane width', () => {
    const a = agent({ name: 'a-very-long-agent-name-indeed', branch: 'feature/with-a-long-name', target: 'consumer', git: git({ conflicts: ['x'] }) });
    for (const line of renderSidebar([a], 12, 'daemon stopped; waiting…').split('\n')) expect([...line].length).toBeLessThanOrEqual(12);
  });
});

describe('prLabel', () => {
  it('shortens a GitHub pull request URL to its number, and keeps any other address whole', () => {
    expect(prLabel('https://github.com/acme/widgets/pull/41')).toBe('#41');
    expect(prLabel('https://gitlab.example/acme/w/-/merge_requests/3')).toBe('https://gitlab.example/acme/w/-/merge_requests/3');
  });
});

describe('session text', () => {
  const now = Date.parse('2026-11-28T10:00:00Z');
  it('contextText: percent when the window is known, thousands of tokens when not, - before the first call', () => {
    expect(contextText({ usedTokens: 15000, windowTokens: 200000, percent: 7.5, updatedAt: '' })).toBe('8%');
    expect(contextText({ usedTokens: 15400, windowTokens: null, percent: null, updatedAt: '' })).toBe('15k');
    expect(contextText(null)).toBe('-');
  });
  it('shortAge in s, m, h and d', () => {
    expect([45, 12 * 60, 3 * 3600 + 5, 2 * 86400].map((s) => shortAge(new Date(now - s * 1000).toISOString(), now))).toEqual(['45s', '12m', '3h', '2d']);
    expect(shortAge(null, now)).toBe('-');
  });
  it('sessionLine ages from the fresh start when there was one, and shows in the sidebar', () => {
    const conversation = { startedAt: '2026-11-28T08:00:00Z', lastActivityAt: null, turns: 7, compactions: 0, freshStartedAt: '2026-11-28T09:35:00Z', lineage: ['old'] };
    const a = agent({ name: 's1', context: { usedTokens: 84000, windowTokens: 200000, percent: 42, updatedAt: '' }, conversation });
    expect(sessionLine(a, now)).toBe('ctx 42% · 7 turns · 25m');
    expect(sessionLine(agent({}), now)).toBeNull();
    expect(renderSidebar([a], 30, null)).toContain('  ctx 42% · 7 turns · ');
  });
});
