// Branches tmuxcodex deletes keep their tip first, under refs/tmuxcodex/branches/<agent>/<n>/<branch>:
// numbered as archives are, so a second agent of the same name never overwrites the first's.
import { gitRaw } from './worktree.js';

export const BRANCH_BACKUP_PREFIX = 'refs/tmuxcodex/branches/';

/** The next free backup number for agent (the numbers already taken, plus one). */
async function nextBackupNumber(repo: string, agent: string): Promise<number> {
  const refs = (await gitRaw(repo, ['for-each-ref', '--format=%(refname)', `${BRANCH_BACKUP_PREFIX}${agent}/`])).split('\n').filter(Boolean);
  const numbers = refs.map((r) => Number(r.slice(`${BRANCH_BACKUP_PREFIX}${agent}/`.length).split('/')[0])).filter(Number.isInteger);
  return numbers.length ? Math.max(...numbers) + 1 : 1;
}

/** Records tip under a new numbered ref for agent's branch; never moves an existing ref. Returns the ref. */
export async function keepBranchTip(repo: string, agent: string, branch: string, tip: string): Promise<string> {
  let n = await nextBackupNumber(repo, agent);
  for (let tries = 0; ; tries++, n++) {
    const ref = `${BRANCH_BACKUP_PREFIX}${agent}/${n}/${branch}`;
    try {
      // '' as the old value: the ref must not exist yet (a concurrent backup took n: try the next).
      await gitRaw(repo, ['update-ref', '-m', `tmuxcodex: tip of ${branch} before it was deleted`, ref, tip, '']);
      return ref;
    } catch (e) {
      if (tries >= 5) throw e;
    }
  }
}

/**
 * Deletes branch after keeping its tip (see keepBranchTip); the deletion is a compare-and-swap, so a
 * branch that moved since its tip was read is left alone (the error says so). Returns the backup ref.
 */
export async function deleteBranchKeepingTip(repo: string, agent: string, branch: string): Promise<string> {
  const tip = (await gitRaw(repo, ['rev-parse', '--verify', `refs/heads/${branch}^{commit}`])).trim();
  const ref = await keepBranchTip(repo, agent, branch, tip);
  await gitRaw(repo, ['update-ref', '-d', `refs/heads/${branch}`, tip]);
  // What `git branch -D` also drops: the branch's upstream settings (none is fine).
  await gitRaw(repo, ['config', '--remove-section', `branch.${branch}`], { okExitCodes: [128] }).catch(() => {});
  return ref;
}
