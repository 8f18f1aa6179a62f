// fix --from: a fix agent branches from the target (not from the agent's worktree), and its
// commits are brought into the agent as they land; with --all into every worktree lacking them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { createTestServer, type TestServer } from '../helpers/tmux-server.js';
import { CLI, cli, cliJson } from '../helpers/cli.js';
import { git, makeRepo } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait-for.js';
import type { AgentRecord } from '../../src/core/agent.js';

let ts: TestServer;
let repo: string;
const wt = (name: string) => join(`${repo}.worktrees`, name);

beforeAll(async () => {
  ts = createTestServer('fix');
  repo = await makeRepo(join(ts.root, 'repo'), ts.env);
  // The repository's identity, for the cherry-picks the daemon makes.
  await git(repo, ['config', 'user.name', 'Repo User'], ts.env);
  await git(repo, ['config', 'user.email', 'repo@example.com'], ts.env);
  expect((await cli(ts, ['up', '--detached'], { cwd: repo })).exitCode).toBe(0);
  for (const n of ['a1', 'a2']) expect((await cli(ts, ['spawn', '--name', n, '--worktree', 'new', '--cmd', 'exec sleep 600'], { cwd: repo })).exitCode).toBe(0);
  writeFileSync(join(wt('a1'), 'a1-work.txt'), 'work in progress\n');
  await git(wt('a1'), ['add', 'a1-work.txt'], ts.env);
  await git(wt('a1'), ['commit', '-q', '-m', 'a1 work'], ts.env);
});

afterAll(async () => {
  await cli(ts, ['daemon', 'stop']);
  await ts.dispose();
});

describe('git fields in list --json', () => {
  it('follow commits in an agent\'s worktree: ahead, merged, dirty against its target', async () => {
    const a1 = await waitFor(async () => (await cliJson<{ agents: AgentRecord[] }>(ts, ['list'])).agents.find((a) => a.name === 'a1' && a.git?.ahead === 1), { timeoutMs: 8000, what: 'a1 ahead 1' });
    expect(a1.git).toMatchObject({ ahead: 1, behind: 0, merged: false, mergedHow: 'no', conflicts: [] });
    const a2 = (await cliJson<{ agents: AgentRecord[] }>(ts, ['list'])).agents.find((a) => a.name === 'a2')!;
    // a2 has no commits of its own: "no commits yet", never merged (issue 15, item 5).
    expect(a2.git).toMatchObject({ ahead: 0, merged: false, mergedHow: 'no', noCommitsYet: true });
  });
});

describe('fix --from', () => {
  it('branches the fix agent from the target, not from the agent\'s worktree, and tells it where the bug was', async () => {
    const fix = await cliJson<AgentRecord>(ts, ['fix', '--from', 'a1', '--task', 'the login redirect loops', '--all'], { cwd: repo });
    expect(fix).toMatchObject({ name: 'fix-a1', branch: 'fix-a1', target: 'main', worktree: { mode: 'new' } });
    expect(fix.task).toContain('the login redirect loops');
    expect(fix.task).toContain(wt('a1'));
    const mainTip = (await git(repo, ['rev-parse', 'main'], ts.env)).trim();
    expect((await git(wt('fix-a1'), ['rev-parse', 'HEAD'], ts.env)).trim()).toBe(mainTip);
    expect(fix.base).toBe(mainTip);
  });

  it('brings each commit of the fix into the agent, and with --all into the other worktrees', async () => {
    writeFileSync(join(wt('fix-a1'), 'fix.txt'), 'fixed\n');
    await git(wt('fix-a1'), ['add', 'fix.txt'], ts.env);
    await git(wt('fix-a1'), ['commit', '-q', '-m', 'fix the redirect'], ts.env);
    const fixCommit = (await git(wt('fix-a1'), ['rev-parse', 'HEAD'], ts.env)).trim();
    for (const name of ['a1', 'a2']) {
      await waitFor(async () => (await git(wt(name), ['log', '-1', '--format=%B'], ts.env)).includes(`(cherry picked from commit ${fixCommit})`), { timeoutMs: 8000, what: `the fix in ${name}` });
    }
    // a1 keeps its own work under the fix.
    expect((await git(wt('a1'), ['log', '--format=%s', '-2'], ts.env)).split('\n')).toEqual(['fix the redirect', 'a1 work']);
  });

  it('holds a fix for a dirty worktree and brings it once the work there is committed', async () => {
    writeFileSync(join(wt('a1'), 'wip.txt'), 'not committed yet\n');
    writeFileSync(join(wt('fix-a1'), 'fix2.txt'), 'second fix\n');
    await git(wt('fix-a1'), ['add', 'fix2.txt'], ts.env);
    await git(wt('fix-a1'), ['commit', '-q', '-m', 'second fix'], ts.env);
    const second = (await git(wt('fix-a1'), ['rev-parse', 'HEAD'], ts.env)).trim();
    // a2 is clean: it gets the fix; a1 has an untracked file: it waits, untouched.
    await waitFor(async () => (await git(wt('a2'), ['log', '-1', '--format=%B'], ts.env)).includes(second), { timeoutMs: 8000, what: 'second fix in a2' });
    expect((await git(wt('a1'), ['log', '-1', '--format=%s'], ts.env)).trim()).toBe('fix the redirect');
    await git(wt('a1'), ['add', 'wip.txt'], ts.env);
    await git(wt('a1'), ['commit', '-q', '-m', 'wip'], ts.env);
    await waitFor(async () => (await git(wt('a1'), ['log', '-1', '--format=%B'], ts.env)).includes(second), { timeoutMs: 8000, what: 'second fix in a1 after its commit' });
    expect((await git(wt('a1'), ['log', '--format=%s', '-3'], ts.env)).split('\n')).toEqual(['second fix', 'wip', 'fix the redirect']);
  });

  it('keeps a fix chain in order: a conflict stops it for that worktree, says so, and it resumes once resolved there', async () => {
    const events = spawn(process.execPath, [CLI, '-L', ts.socketName, 'events', '--follow', '--json'], { cwd: repo, env: ts.env, stdio: ['ignore', 'pipe', 'ignore'] });
    const lines: Array<{ event: string; agent?: AgentRecord; kind?: string; text?: string }> = [];
    createInterface({ input: events.stdout! }).on('line', (l) => lines.push(JSON.parse(l)));
    try {
      await waitFor(() => lines.length > 0, { timeoutMs: 10_000, what: 'the events snapshot' });
      // a1 has its own notes.txt; the fix agent's F1 adds another: it conflicts in a1 only.
      writeFileSync(join(wt('a1'), 'notes.txt'), 'a1 notes\n');
      await git(wt('a1'), ['add', 'notes.txt'], ts.env);
      await git(wt('a1'), ['commit', '-q', '-m', 'a1 notes'], ts.env);
      const a1Head = (await git(wt('a1'), ['rev-parse', 'HEAD'], ts.env)).trim();
      writeFileSync(join(wt('fix-a1'), 'notes.txt'), 'fix notes\n');
      await git(wt('fix-a1'), ['add', 'notes.txt'], ts.env);
      await git(wt('fix-a1'), ['commit', '-q', '-m', 'F1 notes'], ts.env);
      const f1 = (await git(wt('fix-a1'), ['rev-parse', 'HEAD'], ts.env)).trim();
      writeFileSync(join(wt('fix-a1'), 'f2.txt'), 'f2\n');
      await git(wt('fix-a1'), ['add', 'f2.txt'], ts.env);
      await git(wt('fix-a1'), ['commit', '-q', '-m', 'F2'], ts.env);
      const f2 = (await git(wt('fix-a1'), ['rev-parse', 'HEAD'], ts.env)).trim();
      // a2 takes both, in order; a1 takes neither (F2 would apply, but it must not jump the queue).
      await waitFor(async () => (await git(wt('a2'), ['log', '-1', '--format=%B'], ts.env)).includes(f2), { timeoutMs: 20_000, what: 'F2 in a2' });
      expect((await git(wt('a2'), ['log', '--format=%s', '-2'], ts.env)).split('\n')).toEqual(['F2', 'F1 notes']);
      const blocked = await waitFor(async () => (await cliJson<{ agents: AgentRecord[] }>(ts, ['list'])).agents.find((a) => a.name === 'a1' && a.fixBlocked), { timeoutMs: 20_000, what: 'a1 marked blocked' });
      expect(blocked.fixBlocked).toEqual({ fix: 'fix-a1', commit: f1, files: ['notes.txt'], reason: 'conflict in notes.txt' });
      expect((await git(wt('a1'), ['rev-parse', 'HEAD'], ts.env)).trim()).toBe(a1Head);
      expect((await git(wt('a1'), ['status', '--porcelain'], ts.env)).trim()).toBe('');
      const fixer = (await cliJson<{ agents: AgentRecord[] }>(ts, ['list'])).agents.find((a) => a.name === 'fix-a1')!;
      expect(fixer.fix!.propagatedTip).not.toBe(f2);
      expect(fixer.fix!.propagatedTip).not.toBe(f1);
      // list and the events stream say so too.
      expect((await cli(ts, ['list'])).stdout).toContain('fix blocked: conflict in notes.txt (fix-a1)');
      await waitFor(() => lines.find((e) => e.event === 'agent-attention' && e.kind === 'fix-blocked' && e.agent?.name === 'a1'), { timeoutMs: 20_000, what: 'a fix-blocked attention event' });
      expect(lines.some((e) => e.event === 'agent-updated' && e.agent?.name === 'a1' && e.agent.fixBlocked?.commit === f1)).toBe(true);
      // The person resolves F1 in a1 by hand; the chain goes on with F2.
      await git(wt('a1'), ['cherry-pick', '-x', f1], ts.env).catch(() => {});
      writeFileSync(join(wt('a1'), 'notes.txt'), 'a1 notes\nfix notes\n');
      await git(wt('a1'), ['add', 'notes.txt'], ts.env);
      await git(wt('a1'), ['-c', 'core.editor=true', 'cherry-pick', '--continue'], ts.env);
      await waitFor(async () => (await git(wt('a1'), ['log', '-1', '--format=%B'], ts.env)).includes(f2), { timeoutMs: 20_000, what: 'F2 in a1 after F1 was resolved' });
      const after = await waitFor(async () => (await cliJson<{ agents: AgentRecord[] }>(ts, ['list'])).agents.find((a) => a.name === 'fix-a1' && a.fix?.propagatedTip === f2), { timeoutMs: 20_000, what: 'propagatedTip at F2' });
      expect(after.fix!.propagatedTip).toBe(f2);
      const a1 = (await cliJson<{ agents: AgentRecord[] }>(ts, ['list'])).agents.find((a) => a.name === 'a1')!;
      expect(a1.fixBlocked ?? null).toBeNull();
    } finally {
      events.kill();
    }
  }, 120_000);

  it('refuses an unknown agent with exit 2', async () => {
    const res = await cli(ts, ['fix', '--from', 'nobody'], { cwd: repo });
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toMatch(/No live agent/);
  });
});
