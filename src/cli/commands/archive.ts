// `archive list` and `archive restore`: the work saved when an agent with changes was killed.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from '../command.js';
import { str } from '../command.js';
import { usageError } from '../../errors.js';
import { requireWorktreeRoot } from '../../git/repo.js';
import { applyArchive, findArchive, listArchives } from '../../git/archive.js';
import { addWorktree, mainWorktree, removeWorktree, deleteBranch, branchExists } from '../../git/worktree.js';
import { loadConfig } from '../../config/load.js';
import { worktreesRoot } from '../../agents/new-worktree.js';
import { age, printJson, table, escapeControl } from '../output.js';

/** A name for the restored worktree and branch that is not taken yet: <agent>-restored-<n>. */
async function freeRestoreName(repo: string, root: string, agent: string, n: string): Promise<string> {
  for (let k = 0; ; k++) {
    const name = `${agent}-restored-${n}${k ? `-${k}` : ''}`;
    if (!existsSync(join(root, name)) && !(await branchExists(repo, name))) return name;
  }
}

export const archive: Command = {
  name: 'archive',
  usage: 'archive list | archive restore ID [--into PATH]',
  summary: 'list work saved from killed agents, or restore it into a new (or a clean existing) worktree',
  options: { into: { type: 'string', arg: 'PATH', help: 'restore into this existing, clean worktree' } },
  async run(ctx) {
    const repo = await requireWorktreeRoot(ctx.cwd, 'archives are kept in the repository');
    const action = ctx.positionals[0];
    if (action === 'list') {
      const archives = (await listArchives(repo)).map(({ id, agent, branch, ref, createdAt, files, commit, base }) => ({ id, agent, branch, ref, createdAt, files, commit, base }));
      if (ctx.json) return printJson({ archives });
      if (!archives.length) return void process.stdout.write('no archives\n');
      process.stdout.write(table(['ID', 'BRANCH', 'FILES', 'AGE', 'REF'], archives.map((a) => [a.id, a.branch ?? '-', String(a.files), age(a.createdAt), a.ref])));
      return;
    }
    if (action !== 'restore') throw usageError('BAD_ARCHIVE_ACTION', action ? `Unknown archive action "${action}".` : 'archive needs an action.', 'Use `archive list` or `archive restore ID`.');
    const id = ctx.positionals[1];
    if (!id) throw usageError('MISSING_ARCHIVE_ID', 'archive restore needs the ID of an archive.', 'Run `tmuxcodex archive list` to see them.');
    const entry = await findArchive(repo, id);
    const into = str(ctx, 'into');
    if (into !== null) {
      const path = await requireWorktreeRoot(resolve(ctx.cwd, into), '--into takes a worktree');
      await applyArchive(path, entry);
      if (ctx.json) return printJson({ id: entry.id, path });
      return void process.stdout.write(escapeControl(`restored ${entry.id} into ${path}\n`, true));
    }
    const { config } = await loadConfig({ configFile: ctx.target.configFile, repoRoot: repo, env: ctx.env });
    const main = (await mainWorktree(repo))?.path ?? repo;
    const root = worktreesRoot(main, config.worktrees.root);
    const name = await freeRestoreName(repo, root, entry.agent, entry.id.slice(entry.id.lastIndexOf('/') + 1));
    const path = join(root, name);
    await addWorktree(repo, { path, branch: name, create: true, base: entry.base });
    try {
      await applyArchive(path, entry);
    } catch (e) {
      await removeWorktree(repo, path, true).catch(() => {});
      await deleteBranch(repo, name).catch(() => {});
      throw e;
    }
    if (ctx.json) return printJson({ id: entry.id, path });
    process.stdout.write(escapeControl(`restored ${entry.id} into a new worktree ${path} (branch ${name}, based on ${entry.base.slice(0, 12)})\n`, true));
  },
};
