// The pure parts of "the CLIs' own worktrees and sessions": who made a worktree (by the paths the
// CLIs use, FORMATS.md 5.4 and 5.7), Claude's sessions/<pid>.json as 2.1.332 writes it (the recorded
// fixtures), which sessions are unmanaged, and when an agent's pane runs something else.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { worktreeMaker } from '../../../src/git/worktree-maker.js';
import { parseClaudeSession } from '../../../src/agents/claude-registry.js';
import { unmanagedSessions } from '../../../src/agents/unmanaged.js';
import { paneRunsOther } from '../../../src/agents/pane-runs.js';
import type { AgentRecord } from '../../../src/core/agent.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/transcripts', import.meta.url));
const fixture = (name: string) => parseClaudeSession(readFileSync(`${FIXTURES}/${name}`, 'utf8'))!;

describe('worktreeMaker', () => {
  it('tells Claude\'s, Codex\'s and git\'s worktrees apart by where the CLIs put them', () => {
    expect(worktreeMaker('/home/dev/work/repo/.claude/worktrees/feat1', 'worktree-feat1')).toEqual({ by: 'claude', name: 'feat1' });
    expect(worktreeMaker('/home/dev/.codex/worktrees/3f9a/repo', null)).toEqual({ by: 'codex', name: '3f9a' });
    expect(worktreeMaker('/srv/codex-home/worktrees/ab12/repo', null, { CODEX_HOME: '/srv/codex-home' })).toEqual({ by: 'codex', name: 'ab12' });
    // Deeper than <hex>/<repo>, or not hex: not a folder Codex made.
    expect(worktreeMaker('/srv/codex-home/worktrees/ab12/repo/sub', null, { CODEX_HOME: '/srv/codex-home' }).by).toBe('git');
    expect(worktreeMaker('/home/dev/wt/feature', 'feature')).toEqual({ by: 'git', name: 'feature' });
    expect(worktreeMaker('/home/dev/wt/d1', null)).toEqual({ by: 'git', name: 'd1' });
  });
});

describe("Claude's sessions list", () => {
  it('reads the recorded 2.1.332 files: kind, job id, tmux pane, status', () => {
    expect(fixture('claude332-session-registry-bg.json')).toMatchObject({ pid: 26227, kind: 'bg', jobId: '66f59ea9', name: 'hello from bg', status: 'idle', tmux: null });
    expect(fixture('claude332-session-registry-tmux.json')).toMatchObject({ kind: 'interactive', tmux: 'repo_worktree-feat6:@1.%1', cwd: '/home/dev/work/repo/.claude/worktrees/feat6' });
    expect(parseClaudeSession('{"pid":')).toBeNull();
    expect(parseClaudeSession('{"sessionId":"x"}')).toBeNull();
  });

  it('lists --bg sessions and claude -w --tmux sessions, never an agent\'s or the agents session', () => {
    const bg = fixture('claude332-session-registry-bg.json');
    const tmuxOne = fixture('claude332-session-registry-tmux.json');
    const tui = fixture('claude332-session-registry-tui.json');
    const agent = { state: 'running', sessionId: tui.sessionId } as AgentRecord;
    const out = unmanagedSessions({
      claude: [bg, tmuxOne, tui], agents: [agent], managedSession: 'agents', socket: '/tmp/tmux-1000/default',
      tmuxSessions: [{ name: 'agents', path: '/home/dev' }, { name: 'repo_worktree-feat6', path: '/home/dev/work/repo/.claude/worktrees/feat6' }, { name: 'work', path: '/home/dev/work' }],
    });
    expect(out).toEqual([
      { kind: 'claude-bg', id: '66f59ea9', pid: 26227, sessionId: bg.sessionId, cwd: bg.cwd, worktree: null, name: 'hello from bg', status: 'idle', attach: 'claude attach 66f59ea9' },
      { kind: 'claude-tmux', id: 'repo_worktree-feat6', pid: 26576, sessionId: tmuxOne.sessionId, cwd: tmuxOne.cwd, worktree: '/home/dev/work/repo/.claude/worktrees/feat6', name: 'feat6-12', status: 'idle', attach: 'tmux -S /tmp/tmux-1000/default attach -t =repo_worktree-feat6' },
    ]);
    // The same --bg session adopted as an agent (its session id) is not listed again.
    expect(unmanagedSessions({ claude: [bg], agents: [{ state: 'idle', sessionId: bg.sessionId } as AgentRecord], managedSession: 'agents', socket: null, tmuxSessions: [] })).toEqual([]);
  });
});

describe('paneRunsOther', () => {
  const claude = { profile: 'claude', transcriptFormat: 'claude', launch: { argv: ['claude'], taskPrefix: null, env: {} } };
  it('is null while the CLI (or the sh that runs it) leads the pane, and names what runs instead', () => {
    for (const command of ['claude', 'claude.exe', 'node', 'sh']) expect(paneRunsOther(claude, { dead: false, command })).toBeNull();
    expect(paneRunsOther(claude, { dead: false, command: 'vim' })).toBe('vim');
    expect(paneRunsOther({ ...claude, profile: 'codex', transcriptFormat: 'codex', launch: { argv: ['/opt/bin/codex'], taskPrefix: null, env: {} } }, { dead: false, command: 'bash' })).toBe('bash');
  });

  it('claims nothing for a dead pane, an unknown pane, or an agent that is a shell or another program', () => {
    expect(paneRunsOther(claude, { dead: true, command: 'vim' })).toBeNull();
    expect(paneRunsOther(claude, undefined)).toBeNull();
    expect(paneRunsOther({ profile: 'shell', transcriptFormat: null, launch: null }, { dead: false, command: 'vim' })).toBeNull();
    expect(paneRunsOther({ profile: 'aider', transcriptFormat: null, launch: { argv: ['aider'], taskPrefix: null, env: {} } }, { dead: false, command: 'python3' })).toBeNull();
  });
});
