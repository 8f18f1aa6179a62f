// The repository around the agents: map (branches against targets) and syncFiles (provisioned files again).
import { existsSync } from 'node:fs';
import { usageError } from '../../errors.js';
import { mapRowSources } from '../../agents/map-rows.js';
import { copyMatching } from '../../agents/provision/files.js';
import { recordProvisioned } from '../../git/provisioned-files.js';
import { computeMergeMap } from '../../git/mergemap.js';
import { commonGitDir, defaultBranch, listWorktrees } from '../../git/worktree.js';
import { worktreeRoot } from '../../git/repo.js';
import type { DaemonContext } from '../context.js';
import type { Params, Result } from '../protocol.js';

/** The merge map of the repository around cwd: its agents' branches and worktrees against targets. */
export async function map(ctx: DaemonContext, p: Params<'map'>): Promise<Result<'map'>> {
  const repo = await worktreeRoot(p.cwd);
  if (!repo) throw usageError('NOT_IN_GIT_REPO', `${p.cwd} is not inside a git repository.`, 'Run `tmuxcodex map` inside the repository.');
  const worktrees = new Set((await listWorktrees(repo)).map((w) => w.path));
  const rows = mapRowSources(ctx.registry.all().filter((a) => a.state !== 'gone' && a.worktree && worktrees.has(a.worktree.path)));
  const targets = p.targets.length ? p.targets : [(await defaultBranch(repo)) ?? 'main'];
  // The live fields' cache answers for every branch that has not moved since; dirty counts are read fresh.
  const common = await commonGitDir(repo);
  return computeMergeMap(repo, targets, rows, { cache: (common && ctx.watch.gitFields.cacheFor(common)) || undefined, keptRows: true });
}

/** Copies files matching globs from each agent's source worktree into its own (new worktrees only). */
export async function syncFiles(ctx: DaemonContext, p: Params<'syncFiles'>): Promise<Result<'syncFiles'>> {
  const agents = p.agent ? [ctx.registry.resolve(p.agent)] : ctx.registry.all().filter((a) => a.state !== 'gone');
  const results: Result<'syncFiles'>['results'] = [];
  for (const a of agents) {
    if (a.worktree?.mode !== 'new' || !a.source) {
      if (p.agent) throw usageError('NOT_A_NEW_WORKTREE', `Agent "${a.name}" works in a ${a.worktree?.mode ?? 'plain'} worktree, which has no source to sync from.`, 'sync-files applies to agents spawned with --worktree new.');
      continue;
    }
    if (!existsSync(a.source)) {
      if (p.agent) throw usageError('SOURCE_GONE', `Agent "${a.name}" was provisioned from ${a.source}, which no longer exists.`, 'Copy the files by hand.');
      continue;
    }
    const copied = await copyMatching(a.source, a.worktree.path, p.globs, undefined, true);
    // What tmuxcodex copied is not the agent's change: kill saves only what differs from it. Left
    // unrecorded, kill would save those files too, which loses nothing: logged, not an error.
    await recordProvisioned(a.worktree.path, copied).catch((e: Error) => ctx.log(`could not record the files synced into ${a.worktree!.path}: ${e.message}`));
    results.push({ agent: a.name, worktree: a.worktree.path, copied });
  }
  return { results };
}
