// The CLIs' own worktrees, made on real repositories exactly as the CLIs make them (FORMATS.md 5.4,
// 5.7): Claude's `-w NAME` (`<checkout>/.claude/worktrees/NAME`, branch `worktree-NAME`, locked with
// its session's reason) nested inside the main checkout, and `codex --worktree`
// (`$CODEX_HOME/worktrees/<hex>/<repo>`, detached HEAD). The map and `where` list them as worktrees
// without an agent, labelled by who made them, against git's own `worktree list` and `status`; a
// nested worktree is never the outer checkout's dirty file (map, where, archive, propagate, teardown).
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { computeMergeMap, dirtyCount } from '../../../src/git/mergemap.js';
import { whereIs } from '../../../src/git/where.js';
import { isDirty, saveArchive } from '../../../src/git/archive.js';
import { propagateInto } from '../../../src/git/propagate.js';
import { parseWorktreeList } from '../../../src/git/worktree.js';
import { teardownWorktree } from '../../../src/agents/teardown.js';
import type { AgentRecord } from '../../../src/core/agent.js';
import { TmuxcodexError } from '../../../src/errors.js';
import { gitIn, hermeticGitFolder } from '../../helpers/tree.js';

const folder = hermeticGitFolder('tmuxcodex-cli-worktrees-');
let n = 0;

/** A repository on main, a Claude worktree nested in it and a Codex worktree under CODEX_HOME. */
async function scene(): Promise<{ repo: string; claude: string; codex: string; hex: string; git: (dir: string, ...a: string[]) => Promise<string> }> {
  const root = join(folder.dir(), `s${++n}`);
  const repo = join(root, 'work', 'repo');
  mkdirSync(repo, { recursive: true });
  const git = (dir: string, ...a: string[]) => gitIn(dir, a, folder.env());
  await git(repo, 'init', '-q', '-b', 'main');
  await git(repo, 'config', 'user.name', 'Person');
  await git(repo, 'config', 'user.email', 'person@example.com');
  writeFileSync(join(repo, 'a.txt'), 'a\n');
  await git(repo, 'add', '-A');
  await git(repo, 'commit', '-q', '-m', 'base');
  // As `claude -w feat1` does it: a new branch at HEAD, locked with the session's reason.
  const claude = join(repo, '.claude', 'worktrees', 'feat1');
  await git(repo, 'worktree', 'add', '--lock', '--reason', 'claude session feat1 (pid 4242 start 1)', '-b', 'worktree-feat1', claude, 'HEAD');
  // As `codex --worktree` does it: detached at the current commit, under $CODEX_HOME/worktrees/<hex>/<repo>.
  const hex = (0x3f90 + n).toString(16);
  const codex = join(folder.env().HOME!, '.codex', 'worktrees', hex, 'repo');
  await git(repo, 'worktree', 'add', '--detach', codex, 'HEAD');
  return { repo, claude, codex, hex, git };
}

/** git's own dirty count for a worktree: status entries, less the folders that are worktrees of their own. */
async function gitDirty(git: (dir: string, ...a: string[]) => Promise<string>, dir: string, worktrees: readonly string[]): Promise<number> {
  const entries = (await git(dir, 'status', '--porcelain', '-z', '--untracked-files=all')).split('\0').filter((e) => /^.. /.test(e));
  return entries.filter((e) => !worktrees.some((w) => w !== dir && join(dir, e.slice(3)).replace(/\/$/, '') === w)).length;
}

describe("the CLIs' own worktrees", () => {
  it('map lists them with who made them, their branch or commit, dirty counts that leave nested worktrees out', async () => {
    const { repo, claude, codex, hex, git } = await scene();
    writeFileSync(join(claude, 'wip.txt'), 'claude wip\n');
    writeFileSync(join(repo, 'notes.txt'), 'mine\n');
    const truth = parseWorktreeList(await git(repo, 'worktree', 'list', '--porcelain', '-z'));
    // git itself counts the nested worktree as an untracked folder of the main checkout.
    expect(await git(repo, 'status', '--porcelain', '--untracked-files=all')).toContain('.claude/worktrees/feat1/');
    const map = await computeMergeMap(repo, ['main'], []);
    expect(map.rows.map((r) => r.worktree).sort()).toEqual(truth.map((w) => w.path).sort());
    const paths = truth.map((w) => w.path);
    for (const w of truth) {
      const row = map.rows.find((r) => r.worktree === w.path)!;
      expect(row.branch).toBe(w.branch);
      expect(row.head).toBe(w.head);
      expect(row.dirty).toBe(await gitDirty(git, w.path, paths));
    }
    const byPath = (p: string) => map.rows.find((r) => r.worktree === p)!;
    expect(byPath(repo).dirty).toBe(1); // notes.txt only, not .claude/worktrees/feat1/
    expect(byPath(repo).madeBy).toEqual({ by: 'git', name: 'main' });
    expect(byPath(claude).madeBy).toEqual({ by: 'claude', name: 'feat1' });
    expect(byPath(claude).branch).toBe('worktree-feat1');
    expect(byPath(claude).condition).toContain('locked');
    // Made at HEAD and not moved since (its reflog's "Created from" entry): nothing of its own, so not "merged".
    expect(byPath(claude).noCommitsYet).toBe(true);
    expect(byPath(claude).targets.main).toMatchObject({ ahead: 0, merged: 'no' });
    expect(byPath(codex).madeBy).toEqual({ by: 'codex', name: hex });
    expect(byPath(codex).branch).toBeNull();
    expect(byPath(codex).condition).toContain('detached HEAD');
    // Its commit is main's: in main, nothing ahead.
    expect(byPath(codex).targets.main).toMatchObject({ ahead: 0, behind: 0, merged: 'ancestor' });
    // Once Claude commits there, the branch has work of its own, not in main.
    await git(claude, 'add', 'wip.txt');
    await git(claude, 'commit', '-q', '-m', 'claude work');
    const after = (await computeMergeMap(repo, ['main'], [])).rows.find((r) => r.worktree === claude)!;
    expect(after.noCommitsYet).toBe(false);
    expect(after.targets.main).toMatchObject({ ahead: 1, behind: 0, merged: 'no' });
  });

  it('a detached Codex worktree with a commit of its own: ahead of the target and not in it, as git says', async () => {
    const { repo, codex, git } = await scene();
    writeFileSync(join(codex, 'fix.txt'), 'fix\n');
    await git(codex, 'add', '-A');
    await git(codex, 'commit', '-q', '-m', 'codex fix');
    writeFileSync(join(repo, 'b.txt'), 'b\n');
    await git(repo, 'add', '-A');
    await git(repo, 'commit', '-q', '-m', 'main moves');
    const head = (await git(codex, 'rev-parse', 'HEAD')).trim();
    const [behind, ahead] = (await git(repo, 'rev-list', '--left-right', '--count', `main...${head}`)).trim().split(/\s+/).map(Number);
    const inMain = await git(repo, 'merge-base', '--is-ancestor', head, 'main').then(() => true, () => false);
    const row = (await computeMergeMap(repo, ['main'], [])).rows.find((r) => r.worktree === codex)!;
    expect(row.head).toBe(head);
    expect(inMain).toBe(false);
    expect(row.targets.main).toMatchObject({ ahead, behind, merged: 'no', conflicts: [] });
    // Once main takes that commit, the map says it is in main.
    await git(repo, 'merge', '-q', '--no-edit', head);
    expect((await computeMergeMap(repo, ['main'], [])).rows.find((r) => r.worktree === codex)!.targets.main).toMatchObject({ ahead: 0, merged: 'ancestor' });
  });

  it('where lists every worktree git lists, with head, maker and dirty count', async () => {
    const { repo, claude, codex, git } = await scene();
    writeFileSync(join(codex, 'x.txt'), 'x\n');
    const head = (await git(repo, 'rev-parse', 'HEAD')).trim();
    const truth = parseWorktreeList(await git(repo, 'worktree', 'list', '--porcelain', '-z'));
    const rows = await whereIs(repo, head, []);
    expect(rows.map((r) => r.worktree)).toEqual(truth.map((w) => w.path));
    for (const r of rows) expect(r.dirty).toBe(await gitDirty(git, r.worktree!, truth.map((w) => w.path)));
    const made = Object.fromEntries(rows.map((r) => [r.worktree, [r.madeBy?.by, r.status]]));
    expect(made).toEqual({ [repo]: ['git', 'contains'], [claude]: ['claude', 'contains'], [codex]: ['codex', 'contains'] });
    expect(rows.find((r) => r.worktree === codex)!.head).toBe(head);
  });

  it('a nested worktree is not the outer checkout\'s work: isDirty, propagate and the archive leave it out', async () => {
    const { repo, claude, git } = await scene();
    writeFileSync(join(claude, 'wip.txt'), 'claude wip\n');
    expect(await isDirty(repo)).toBe(false);
    expect(await dirtyCount(repo)).toBe(0);
    // A fix made on another branch propagates into the main checkout: not skipped as dirty.
    await git(repo, 'checkout', '-q', '-b', 'fix');
    writeFileSync(join(repo, 'a.txt'), 'a fixed\n');
    await git(repo, 'commit', '-q', '-am', 'fix a');
    const fix = (await git(repo, 'rev-parse', 'HEAD')).trim();
    await git(repo, 'checkout', '-q', 'main');
    const r = await propagateInto(repo, null, fix);
    expect([r.outcome, r.reason]).toEqual(['applied', null]);
    expect(r.madeBy).toEqual({ by: 'git', name: 'repo' });
    // Into the Claude worktree by its folder: labelled as Claude's; the untracked work there keeps it out.
    expect(await propagateInto(claude, null, fix)).toMatchObject({ outcome: 'skipped-dirty', madeBy: { by: 'claude', name: 'feat1' } });
    // A person's own file beside the nested worktree still counts, and is what an archive saves.
    writeFileSync(join(repo, '.claude', 'settings.local.json'), '{}\n');
    expect(await isDirty(repo)).toBe(true);
    expect(await dirtyCount(repo)).toBe(1);
    const saved = await saveArchive(repo, { agent: 'a', agentId: 'id-a', branch: 'main' });
    const files = (await git(repo, 'ls-tree', '-r', '--name-only', saved!.ref)).split('\n').filter(Boolean);
    expect(files).toContain('.claude/settings.local.json');
    expect(files.some((f) => f.startsWith('.claude/worktrees/'))).toBe(false);
  });

  it("killing an agent whose worktree holds a Claude worktree refuses, and removes nothing", async () => {
    const { repo, git } = await scene();
    const wt = join(folder.dir(), `agent-wt-${n}`);
    await git(repo, 'worktree', 'add', '-q', '-b', 'agent-b', wt, 'main');
    // The agent ran `claude -w inner` in its own worktree.
    const inner = join(wt, '.claude', 'worktrees', 'inner');
    await git(wt, 'worktree', 'add', '--lock', '--reason', 'claude session inner (pid 1 start 1)', '-b', 'worktree-inner', inner, 'HEAD');
    writeFileSync(join(inner, 'wip.txt'), 'wip\n');
    const agent = { id: 'id-b', name: 'b', branch: 'agent-b', branchCreated: true, base: null, target: 'main', cwd: wt, source: repo, worktree: { path: wt, mode: 'new' }, state: 'gone' } as unknown as AgentRecord;
    const err = await teardownWorktree(agent, [], { keepWorktree: false, force: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TmuxcodexError);
    expect((err as TmuxcodexError).code).toBe('NESTED_WORKTREE');
    expect((err as Error).message).toContain(inner);
    expect((err as Error).message).toContain('made by claude, branch worktree-inner');
    expect(existsSync(join(inner, 'wip.txt'))).toBe(true);
    expect(await git(repo, 'worktree', 'list', '--porcelain')).toContain(`worktree ${wt}\n`);
  });
});
