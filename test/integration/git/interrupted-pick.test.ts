// Recovery of a pick an interrupted propagate left, on real repositories, each state made by hand:
// a half-written checkout is rolled back (a file the fix adds goes only if it holds the fix's
// bytes or the start of them); a pick stopped with CHERRY_PICK_HEAD is aborted; a made commit is
// finished; a live propagate is left alone; changes outside the fix's files are never touched.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { markPick, recoverPick } from '../../../src/git/interrupted-pick.js';
import { worktreeGitDir } from '../../../src/git/worktree.js';
import { gitIn, hermeticGitFolder } from '../../helpers/tree.js';

const folder = hermeticGitFolder('tmuxcodex-interrupted-pick-');
let n = 0;

/** A repository on main with a.txt, and a fix commit (on branch fix) that changes a.txt and adds b.txt. */
async function setup(): Promise<{ repo: string; before: string; fix: string; git: (...a: string[]) => Promise<string> }> {
  const repo = join(folder.dir(), `r${++n}`);
  mkdirSync(repo);
  const git = (...a: string[]) => gitIn(repo, a, folder.env());
  await git('init', '-q', '-b', 'main');
  writeFileSync(join(repo, 'a.txt'), 'a\n');
  await git('add', 'a.txt');
  await git('commit', '-q', '-m', 'base');
  await git('checkout', '-q', '-b', 'fix');
  writeFileSync(join(repo, 'a.txt'), 'a fixed\n');
  writeFileSync(join(repo, 'b.txt'), 'the new file of the fix\n'.repeat(20));
  await git('add', '-A');
  await git('commit', '-q', '-m', 'the fix');
  const fix = (await git('rev-parse', 'HEAD')).trim();
  await git('checkout', '-q', 'main');
  return { repo, before: (await git('rev-parse', 'HEAD')).trim(), fix, git };
}

/** A pid that is certainly dead: a process that ran and was reaped. */
async function deadPid(): Promise<number> {
  const child = spawn('true');
  await new Promise((r) => child.once('exit', r));
  return child.pid!;
}

/** The marker as a killed propagate (another, dead process) would have left it. */
async function markAsDead(repo: string, before: string, fix: string): Promise<void> {
  markPick(repo, before, fix);
  const path = join(worktreeGitDir(repo)!, 'tmuxcodex-propagate.json');
  writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), pid: await deadPid() }));
}

describe('recoverPick', () => {
  it('rolls back a half-written checkout: a.txt restored, b.txt (the start of the fix\'s bytes) removed', async () => {
    const { repo, before, fix, git } = await setup();
    await markAsDead(repo, before, fix);
    writeFileSync(join(repo, 'a.txt'), 'a fixed\n');
    writeFileSync(join(repo, 'b.txt'), 'the new file of the fix\n'.repeat(7) + 'the n'); // cut off while written
    writeFileSync(join(worktreeGitDir(repo)!, 'index.lock'), '');
    expect(await recoverPick(repo)).toEqual({ kind: 'rolled-back' });
    expect(await git('status', '--porcelain', '--untracked-files=all')).toBe('');
    expect(readFileSync(join(repo, 'a.txt'), 'utf8')).toBe('a\n');
    expect((await git('rev-parse', 'HEAD')).trim()).toBe(before);
    expect(await recoverPick(repo)).toEqual({ kind: 'none' }); // the marker is gone
  });

  it('aborts a pick stopped in the middle (CHERRY_PICK_HEAD, a conflict)', async () => {
    const { repo, before, fix, git } = await setup();
    writeFileSync(join(repo, 'a.txt'), 'a on main\n');
    await git('commit', '-q', '-am', 'main moves');
    const head = (await git('rev-parse', 'HEAD')).trim();
    await markAsDead(repo, head, fix);
    await git('cherry-pick', '-x', fix).catch(() => {}); // conflicts on a.txt, stops
    expect(existsSync(join(worktreeGitDir(repo)!, 'CHERRY_PICK_HEAD'))).toBe(true);
    expect(await recoverPick(repo)).toEqual({ kind: 'rolled-back' });
    expect(await git('status', '--porcelain', '--untracked-files=all')).toBe('');
    expect((await git('rev-parse', 'HEAD')).trim()).toBe(head);
    expect(before).not.toBe(head);
  });

  it('finishes a pick whose commit was made (only the marker was left)', async () => {
    const { repo, before, fix, git } = await setup();
    await markAsDead(repo, before, fix);
    await git('cherry-pick', '-x', fix);
    expect(await recoverPick(repo)).toEqual({ kind: 'finished' });
  });

  it('leaves a pick alone while the propagate that makes it still runs', async () => {
    const { repo, before, fix } = await setup();
    markPick(repo, before, fix); // this process: alive
    const child = spawn('sleep', ['30']);
    const path = join(worktreeGitDir(repo)!, 'tmuxcodex-propagate.json');
    writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), pid: child.pid }));
    try {
      expect(await recoverPick(repo)).toEqual({ kind: 'running', pid: child.pid });
    } finally {
      child.kill();
    }
  });

  it('touches nothing when files outside the fix changed too, and says which', async () => {
    const { repo, before, fix, git } = await setup();
    await markAsDead(repo, before, fix);
    writeFileSync(join(repo, 'a.txt'), 'a fixed\n');
    writeFileSync(join(repo, 'notes.md'), 'the agent\'s own work\n');
    const res = await recoverPick(repo);
    expect(res.kind).toBe('left');
    expect((res as { reason: string }).reason).toContain('notes.md');
    expect(readFileSync(join(repo, 'a.txt'), 'utf8')).toBe('a fixed\n');
    expect(readFileSync(join(repo, 'notes.md'), 'utf8')).toBe('the agent\'s own work\n');
    expect(await git('status', '--porcelain')).toContain('notes.md');
  });

  it('a fix file the agent rewrote after the kill is the agent\'s: nothing is undone', async () => {
    const { repo, before, fix } = await setup();
    await markAsDead(repo, before, fix);
    writeFileSync(join(repo, 'b.txt'), 'the new file of the fix\n'.repeat(20)); // the pick wrote this one whole
    writeFileSync(join(repo, 'a.txt'), 'the agent rewrote a\n');
    const res = await recoverPick(repo);
    expect(res.kind).toBe('left');
    expect(readFileSync(join(repo, 'a.txt'), 'utf8')).toBe('the agent rewrote a\n');
    expect(existsSync(join(repo, 'b.txt'))).toBe(true);
  });

  it('a cherry-pick of another commit in progress (the agent\'s own) is left alone', async () => {
    const { repo, before, fix, git } = await setup();
    writeFileSync(join(repo, 'a.txt'), 'a on main\n');
    await git('commit', '-q', '-am', 'main moves');
    await markAsDead(repo, (await git('rev-parse', 'HEAD')).trim(), (await git('rev-parse', `${fix}`)).trim().replace(/./, (c) => (c === '0' ? '1' : '0'))); // the marker names another commit
    await git('cherry-pick', '-x', fix).catch(() => {}); // the agent's pick, stopped on a conflict
    const res = await recoverPick(repo);
    expect(res.kind).toBe('left');
    expect(existsSync(join(worktreeGitDir(repo)!, 'CHERRY_PICK_HEAD'))).toBe(true);
    expect(before).toBeTruthy();
  });

  it('a file where the fix adds one, with other bytes, is someone\'s: it stays', async () => {
    const { repo, before, fix, git } = await setup();
    await markAsDead(repo, before, fix);
    writeFileSync(join(repo, 'b.txt'), 'written by the agent, not the fix\n');
    const res = await recoverPick(repo);
    expect(res.kind).toBe('left');
    expect(readFileSync(join(repo, 'b.txt'), 'utf8')).toBe('written by the agent, not the fix\n');
    expect(await git('status', '--porcelain', '--untracked-files=all')).toContain('b.txt');
  });

  it('never reads or removes a fix file through a folder replaced by a symlink leading out of the worktree', async () => {
    const { repo, git } = await setup();
    // The fix adds gen/out.txt in an ignored folder; its pick was cut off after the index was written.
    writeFileSync(join(repo, '.gitignore'), 'gen\n');
    await git('add', '.gitignore');
    await git('commit', '-q', '-m', 'ignore gen');
    const before = (await git('rev-parse', 'HEAD')).trim();
    await git('checkout', '-q', '-b', 'fix-gen');
    mkdirSync(join(repo, 'gen'));
    writeFileSync(join(repo, 'gen', 'out.txt'), 'generated by the fix\n');
    await git('add', '-f', 'gen/out.txt');
    await git('commit', '-q', '-m', 'the fix adds gen/out.txt');
    const fix = (await git('rev-parse', 'HEAD')).trim();
    await git('checkout', '-q', 'main');
    await markAsDead(repo, before, fix);
    await git('cherry-pick', '-n', fix);
    // Then gen became a link to a folder outside, holding a file of the same name (the start of the same bytes).
    const outside = join(folder.dir(), `outside${n}`);
    mkdirSync(outside);
    writeFileSync(join(outside, 'out.txt'), 'generated');
    rmSync(join(repo, 'gen'), { recursive: true });
    symlinkSync(outside, join(repo, 'gen'));
    const res = await recoverPick(repo);
    expect(readFileSync(join(outside, 'out.txt'), 'utf8')).toBe('generated');
    expect(res.kind).toBe('left');
    expect((res as { reason: string }).reason).toContain('gen/out.txt');
  });
});

describe('worktreeGitDir (the daemon asks it of every agent\'s worktree)', () => {
  it('a .git that is a FIFO (or a link to /dev/zero) is no git folder: null at once, never a blocked open', async () => {
    const fifoTree = join(folder.dir(), `fifo-tree${++n}`);
    const zeroTree = join(folder.dir(), `zero-tree${n}`);
    mkdirSync(fifoTree);
    mkdirSync(zeroTree);
    await execa('mkfifo', [join(fifoTree, '.git')]);
    symlinkSync('/dev/zero', join(zeroTree, '.git'));
    // In a child: a blocked open would otherwise freeze this test run instead of failing it.
    const module = fileURLToPath(new URL('../../../dist/git/worktree.js', import.meta.url));
    const child = `const { worktreeGitDir } = await import(process.argv[1]);
      for (const t of process.argv.slice(2)) console.log(JSON.stringify(worktreeGitDir(t)));`;
    const res = await execa(process.execPath, ['--input-type=module', '-e', child, module, fifoTree, zeroTree], { timeout: 10_000, reject: false });
    expect(res.timedOut).toBe(false);
    expect(res.stdout).toBe('null\nnull');
  });
});

