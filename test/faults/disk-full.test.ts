// Faults: the disk fills up while tmuxcodex makes a worktree (spawn --worktree new, the checkout of a
// new worktree) or archives an agent's work (kill). The repository and its worktrees live on a small
// tmpfs mounted for this file (which needs root, as CI runs). Each operation fails with an error that
// says what happened, leaves nothing half made, and the work is still where it was; once there is
// room again, the same command works.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, ftruncateSync, fstatSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createTestServer, type TestServer } from '../helpers/tmux-server.js';
import { cli, cliJson } from '../helpers/cli.js';
import { git, makeRepo } from '../helpers/git-repo.js';
import { tmux } from '../../src/tmux/command.js';
import type { AgentRecord } from '../../src/core/agent.js';
import { slack } from '../helpers/slack.js';

let ts: TestServer;
let small: string;
let repo: string;
let filler: number;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Fills the small filesystem, then gives back `free` bytes: the next write of more than that fails with ENOSPC. */
function leaveFree(free: number): void {
  ftruncateSync(filler, 0);
  const chunk = Buffer.alloc(64 * 1024, 0x5a);
  try {
    for (;;) writeSync(filler, chunk);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  }
  ftruncateSync(filler, Math.max(0, fstatSync(filler).size - free));
}

const branches = async () => (await git(repo, ['for-each-ref', '--format=%(refname:short)', 'refs/heads/'], ts.env)).split('\n').filter(Boolean).sort();
const worktrees = async () => (await git(repo, ['worktree', 'list', '--porcelain'], ts.env)).split('\n').filter((l) => l.startsWith('worktree ')).map((l) => l.slice(9));
const agents = async () => (await cliJson<{ agents: AgentRecord[] }>(ts, ['list'])).agents;

beforeAll(async () => {
  ts = createTestServer('disk-full');
  small = join(ts.root, 'small');
  mkdirSync(small);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24m,mode=0700', 'tmpfs', small], { stdio: 'pipe' });
  } catch (e) {
    throw new Error(`The disk-full tests mount a 24 MB tmpfs, which needs root (CI runs as root): ${(e as { stderr?: Buffer }).stderr?.toString().trim() ?? (e as Error).message}`);
  }
  repo = await makeRepo(join(small, 'repo'), ts.env);
  // 4 MB that does not compress: a new worktree's checkout needs that much room.
  writeFileSync(join(repo, 'assets.bin'), randomBytes(4 << 20));
  await git(repo, ['add', 'assets.bin'], ts.env);
  await git(repo, ['commit', '-q', '-m', 'assets'], ts.env);
  filler = openSync(join(small, 'filler'), 'w');
  expect((await cli(ts, ['up', '--detached'], { cwd: repo })).exitCode).toBe(0);
}, slack(60_000));

afterAll(async () => {
  if (filler !== undefined) closeSync(filler);
  await cli(ts, ['daemon', 'stop']);
  await ts.tmux(tmux.killServer()).catch(() => {});
  // Lazy: a process that still has its cwd there must not keep the mount (and the test) alive.
  try { execFileSync('umount', ['-l', small]); } catch { /* not mounted */ }
  await ts.dispose();
});

describe('the disk full while a new worktree is checked out', () => {
  it('spawn fails saying so, and leaves no worktree, branch, folder or agent; with room again it works', async () => {
    const before = { branches: await branches(), worktrees: await worktrees() };
    leaveFree(1 << 20); // 1 MB: git's objects fit nowhere near the 4 MB checkout
    const res = await cli(ts, ['spawn', '--name', 'full1', '--worktree', 'new', '--cmd', 'exec sleep 600'], { cwd: repo });
    expect(res.exitCode).not.toBe(0);
    expect(res.stderr).toMatch(/No space left on device/);
    expect(res.stderr.split('\n')[0]).toMatch(/^tmuxcodex: /);
    expect(await branches()).toEqual(before.branches);
    expect(await worktrees()).toEqual(before.worktrees);
    expect(existsSync(join(`${repo}.worktrees`, 'full1'))).toBe(false);
    expect((await agents()).map((a) => a.name)).not.toContain('full1');
    // Nothing left behind blocks the next try (a lock, a half-registered worktree).
    leaveFree(20 << 20);
    const again = await cliJson<AgentRecord>(ts, ['spawn', '--name', 'full1', '--worktree', 'new', '--cmd', 'exec sleep 600'], { cwd: repo });
    expect(sha(readFileSync(join(again.worktree!.path, 'assets.bin')))).toBe(sha(readFileSync(join(repo, 'assets.bin'))));
    expect((await cli(ts, ['kill', 'full1'])).exitCode).toBe(0);
  }, slack(60_000));
});

describe('the disk full while a killed agent\'s work is archived', () => {
  it('kill fails saying so; the worktree and its work stay, byte for byte; with room again the kill archives it whole', async () => {
    leaveFree(20 << 20);
    const a = await cliJson<AgentRecord>(ts, ['spawn', '--name', 'keeper', '--worktree', 'new', '--cmd', 'exec sleep 600'], { cwd: repo });
    const work = randomBytes(3 << 20); // does not compress: the archive needs 3 MB of objects
    writeFileSync(join(a.worktree!.path, 'work.bin'), work);
    writeFileSync(join(a.worktree!.path, 'README.md'), '# edited by keeper\n');
    leaveFree(512 << 10);
    const res = await cli(ts, ['kill', 'keeper']);
    expect(res.exitCode).not.toBe(0);
    expect(res.stderr).toMatch(/No space left on device/);
    expect(sha(readFileSync(join(a.worktree!.path, 'work.bin')))).toBe(sha(work));
    expect(readFileSync(join(a.worktree!.path, 'README.md'), 'utf8')).toBe('# edited by keeper\n');
    expect(await worktrees()).toContain(a.worktree!.path);
    expect((await agents()).find((x) => x.id === a.id)).toBeDefined(); // kept, so nothing is forgotten
    // No archive that might be partial (the tip of the branch the failed spawn above took back is kept, as every deleted branch's is).
    const refs = (await git(repo, ['for-each-ref', '--format=%(refname)', 'refs/tmuxcodex/archive/'], ts.env)).trim();
    expect(refs).toBe('');
    leaveFree(20 << 20);
    const done = await cli(ts, ['kill', 'keeper', '--json']);
    expect(done.exitCode, done.stderr).toBe(0);
    const archive = (JSON.parse(done.stdout) as { archive: { ref: string } | null }).archive!;
    expect(sha(Buffer.from(execFileSync('git', ['-C', repo, 'cat-file', 'blob', `${archive.ref}:work.bin`], { env: ts.env, maxBuffer: 16 << 20 })))).toBe(sha(work));
    expect(existsSync(a.worktree!.path)).toBe(false);
  }, slack(60_000));
});
