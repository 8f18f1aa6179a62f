// Recovery of interrupted spawns (SpawnIntents.recover) on real git repositories: the folder an
// intent names is removed only when it is provably the worktree that spawn made; a worktree made
// at that path since by someone else is left, with the reason logged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpawnIntents, spawnLockReason } from '../../../src/agents/spawn-intents.js';
import { addWorktree } from '../../../src/git/worktree.js';
import { gitIn, hermeticGitEnv, useHermeticProcessEnv } from '../../helpers/tree.js';

let dir: string;
let env: NodeJS.ProcessEnv;
let restoreEnv: () => void;
let repo: string;
let base: string;
let n = 0;
const git = (cwd: string, ...args: string[]) => gitIn(cwd, args, env);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tmuxcodex-spawn-intents-test-'));
  mkdirSync(join(dir, 'home'));
  env = hermeticGitEnv(join(dir, 'home'));
  restoreEnv = useHermeticProcessEnv(join(dir, 'home'));
  repo = join(dir, 'repo');
  mkdirSync(repo);
  await git(repo, 'init', '-q', '-b', 'main');
  writeFileSync(join(repo, 'a.txt'), 'a\n');
  await git(repo, 'add', 'a.txt');
  await git(repo, 'commit', '-q', '-m', 'a');
  base = (await git(repo, 'rev-parse', 'HEAD')).trim();
});

afterAll(() => {
  restoreEnv();
  rmSync(dir, { recursive: true, force: true });
});

/** A fresh intents folder and an intent for a new worktree on a new branch; returns both and the intent id. */
function begin(): { intents: SpawnIntents; id: string; path: string; branch: string } {
  n++;
  const intents = new SpawnIntents(join(dir, `intents-${n}`));
  const path = join(dir, `wt-${n}`);
  const branch = `agent-${n}`;
  const id = intents.begin({ source: repo, path, branch, create: true, baseCommit: base });
  return { intents, id, path, branch };
}

const worktreeListed = async (path: string) => (await git(repo, 'worktree', 'list', '--porcelain')).includes(`worktree ${path}\n`);
const branchThere = async (b: string) => (await git(repo, 'branch', '--list', b)).trim() !== '';

describe('SpawnIntents.recover', () => {
  it('leaves a worktree another agent made at the intent\'s path since, with its work, and says why', async () => {
    const { intents, path, branch } = begin();
    // The spawn died before git made anything; later someone else made a worktree there.
    await git(repo, 'worktree', 'add', '-q', '-b', 'someone-else', path, 'main');
    writeFileSync(join(path, 'their-work.txt'), 'not to be lost\n');
    const log = await intents.recover(new Set());
    expect(readFileSync(join(path, 'their-work.txt'), 'utf8')).toBe('not to be lost\n');
    expect(await worktreeListed(path)).toBe(true);
    expect(log.join('\n')).toContain(`left ${path} alone`);
    expect(log.join('\n')).toContain('not made by this spawn');
    expect(await branchThere('someone-else')).toBe(true);
    expect(await branchThere(branch)).toBe(false);
  });

  it('removes the worktree the spawn made, still locked by git with the spawn\'s reason (killed before it claimed it), and its branch', async () => {
    const { intents, id, path, branch } = begin();
    await addWorktree(repo, { path, branch, create: true, base: 'main', lockReason: spawnLockReason(id) });
    const log = await intents.recover(new Set());
    expect(log).toEqual([`removed the half-made worktree ${path}`, `deleted its branch ${branch} (nothing was committed on it)`]);
    expect(existsSync(path)).toBe(false);
    expect(await branchThere(branch)).toBe(false);
  });

  it('removes the worktree the spawn made and claimed (marker in its admin folder), and leaves one whose HEAD moved', async () => {
    const claimed = begin();
    await addWorktree(repo, { path: claimed.path, branch: claimed.branch, create: true, base: 'main', lockReason: spawnLockReason(claimed.id) });
    await claimed.intents.claim(claimed.id, claimed.path);
    expect(await claimed.intents.recover(new Set())).toContain(`removed the half-made worktree ${claimed.path}`);
    expect(existsSync(claimed.path)).toBe(false);

    const worked = begin();
    await addWorktree(repo, { path: worked.path, branch: worked.branch, create: true, base: 'main', lockReason: spawnLockReason(worked.id) });
    await worked.intents.claim(worked.id, worked.path);
    writeFileSync(join(worked.path, 'b.txt'), 'b\n');
    await git(worked.path, 'add', 'b.txt');
    await git(worked.path, 'commit', '-q', '-m', 'work');
    const log = await worked.intents.recover(new Set());
    expect(log.join('\n')).toContain('commits were made there');
    expect(existsSync(join(worked.path, 'b.txt'))).toBe(true);
    expect(await branchThere(worked.branch)).toBe(true);
  });

  it('leaves a plain folder with files in it that holds no worktree; removes an empty one', async () => {
    const full = begin();
    mkdirSync(full.path);
    writeFileSync(join(full.path, 'notes.txt'), 'a person\'s notes\n');
    expect((await full.intents.recover(new Set())).join('\n')).toContain('no .git file');
    expect(existsSync(join(full.path, 'notes.txt'))).toBe(true);
    const empty = begin();
    mkdirSync(empty.path);
    expect(await empty.intents.recover(new Set())).toEqual([`removed the half-made worktree ${empty.path}`]);
    expect(existsSync(empty.path)).toBe(false);
  });
});
