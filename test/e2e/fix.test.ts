// fix --from: a fix agent branches from the target (not from the agent's worktree), and its
// commits are brought into the agent as they land; with --all into every worktree lacking them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestServer, type TestServer } from '../helpers/tmux-server.js';
import { cli, cliJson } from '../helpers/cli.js';
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

  it('refuses an unknown agent with exit 2', async () => {
    const res = await cli(ts, ['fix', '--from', 'nobody'], { cwd: repo });
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toMatch(/No live agent/);
  });
});
