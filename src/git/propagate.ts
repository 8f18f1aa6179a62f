// `propagate REV`: bring a fix into worktrees that lack it, by cherry-pick -x. A worktree that is
// dirty, in the middle of a rebase/merge/cherry-pick, or where the pick conflicts is left exactly
// as it was (a conflicting pick is aborted) and reported with the reason. Never half applied: a
// propagate killed part way is finished or rolled back by the next one (interrupted-pick.ts).
import { ProcessError } from '../proc/run.js';
import { gitRaw, operationInProgress } from './worktree.js';
import { presence } from './where.js';
import { excludingNested } from './nested-worktrees.js';
import { worktreeMaker, type MakerFacts } from './worktree-maker.js';
import { clearPick, markPick, recoverPick } from './interrupted-pick.js';

export type Outcome = 'applied' | 'already' | 'not-needed' | 'skipped-dirty' | 'skipped-busy' | 'conflict' | 'error';

/** Outcomes that leave nothing to do: a script (and the exit status) can count on them. */
export const SETTLED: ReadonlySet<Outcome> = new Set(['applied', 'already', 'not-needed']);

export interface PropagateResult {
  agent: string | null; worktree: string; outcome: Outcome; reason: string | null; commit: string | null;
  /** The files a conflicting pick conflicted in (empty for every other outcome). */
  files: string[];
  /** What was done first about a pick an interrupted propagate had left there. */
  recovered: 'finished' | 'rolled-back' | null;
  /** Who made a worktree no agent works in (Claude's -w, codex --worktree, else git); null for an agent's. */
  madeBy: MakerFacts | null;
}

/** Why a worktree cannot take a pick now: an operation in progress, or a detached HEAD; or null. */
async function busyReason(worktree: string): Promise<string | null> {
  // A sequence (multi-commit cherry-pick/revert) counts even when clean: aborting our pick would end it.
  const op = operationInProgress(worktree);
  if (op) return `${op === 'sequence' ? 'a cherry-pick or revert sequence' : `a ${op}`} is in progress`;
  // A commit picked onto a detached HEAD would be lost at the next checkout.
  const onBranch = (await gitRaw(worktree, ['symbolic-ref', '-q', 'HEAD'], { okExitCodes: [1] })).trim() !== '';
  return onBranch ? null : 'it is on a detached HEAD (no branch to keep the commit)';
}

/** Whether HEAD has a commit made by `cherry-pick -x` of commit since the two histories parted. */
async function pickedByHand(worktree: string, commit: string): Promise<boolean> {
  const out = await gitRaw(worktree, ['log', '-1', '--format=%H', '--fixed-strings', `--grep=(cherry picked from commit ${commit})`, `${commit}..HEAD`, '--']);
  return out.trim() !== '';
}

/** The first of the bug commits a worktree has neither as a commit nor as an equivalent patch, or null. */
async function lackedBug(worktree: string, bugs: readonly string[]): Promise<string | null> {
  for (const bug of bugs) if ((await presence(worktree, bug, 'HEAD')) === 'lacks') return bug;
  return null;
}

/**
 * Cherry-picks commit into one worktree, or says why not; leaves it as it was on any failure.
 * bugs are the commits the fix repairs (bug-commits.ts): a worktree lacking one never had the bug.
 */
export async function propagateInto(worktree: string, agent: string | null, commit: string, bugs: readonly string[] = []): Promise<PropagateResult> {
  let recovered: PropagateResult['recovered'] = null;
  const madeBy = agent ? null : worktreeMaker(worktree, null);
  const r = (outcome: Outcome, reason: string | null, picked: string | null = null, files: string[] = []): PropagateResult => ({ agent, worktree, outcome, reason, commit: picked, files, recovered, madeBy });
  try {
    const recovery = await recoverPick(worktree);
    if (recovery.kind === 'finished' || recovery.kind === 'rolled-back') recovered = recovery.kind;
    if (recovery.kind === 'running') return r('skipped-busy', `another propagate (pid ${recovery.pid}) is picking into it`);
    if (recovery.kind === 'left') return r('error', recovery.reason);
    const busy = await busyReason(worktree);
    if (busy) return r('skipped-busy', busy);
    const have = await presence(worktree, commit, 'HEAD');
    if (have !== 'lacks') return r('already', have === 'contains' ? 'the commit is in its history' : 'an equivalent patch is in its history');
    // A pick whose conflict a person resolved has another patch, but says where it came from (-x).
    if (await pickedByHand(worktree, commit)) return r('already', 'a cherry-pick of it (resolved there) is in its history');
    const lacked = await lackedBug(worktree, bugs);
    if (lacked) {
      const subject = (await gitRaw(worktree, ['log', '-1', '--no-color', '--format=%h %s', lacked])).trim();
      return r('not-needed', `it lacks ${subject}, the commit the fix repairs`);
    }
    // A worktree nested in this one (Claude's .claude/worktrees/*) is no edit of its own.
    const dirty = (await gitRaw(worktree, ['status', '--porcelain', '-z', ...(await excludingNested(worktree))])).length > 0;
    if (dirty) return r('skipped-dirty', 'it has uncommitted changes or untracked files');
    const before = (await gitRaw(worktree, ['rev-parse', 'HEAD'])).trim();
    if (!markPick(worktree, before, commit)) return r('skipped-busy', 'another propagate has just started picking into it');
    try {
      await gitRaw(worktree, ['cherry-pick', '-x', '--allow-empty', commit], { timeoutMs: 120_000 });
    } catch (e) {
      const stderr = e instanceof ProcessError ? e.stderr : String(e);
      // Edits made since the check above (the agent works on): git refused and changed nothing.
      if (/local changes|would be overwritten/i.test(stderr) && operationInProgress(worktree) === null) return r('skipped-dirty', 'files changed while the fix was being brought; nothing was picked');
      // The conflicting files, read before --abort puts them back.
      const files = operationInProgress(worktree) === 'cherry-pick' ? (await gitRaw(worktree, ['diff', '--name-only', '--diff-filter=U', '-z']).catch(() => '')).split('\0').filter(Boolean) : [];
      if (operationInProgress(worktree) === 'cherry-pick') await gitRaw(worktree, ['cherry-pick', '--abort']).catch(() => {});
      // --abort restores HEAD, index and files; check that it did before saying so.
      const after = (await gitRaw(worktree, ['rev-parse', 'HEAD'])).trim();
      const clean = (await gitRaw(worktree, ['status', '--porcelain', '-z', '--untracked-files=no'])).length === 0;
      if (after !== before || !clean) return r('error', `the cherry-pick failed and the worktree could not be restored: ${stderr.trim().split('\n')[0]}`);
      if (files.length || /conflict/i.test(stderr)) return r('conflict', files.length ? `conflict in ${files.join(', ')}` : (stderr.trim().split('\n').filter((l) => /CONFLICT/.test(l)).join('; ') || 'the pick conflicts'), null, files);
      return r('error', stderr.trim().split('\n')[0] ?? 'cherry-pick failed');
    } finally {
      // This process saw git end, whatever the outcome: the marker is only for a propagate that dies.
      clearPick(worktree);
    }
    return r('applied', null, (await gitRaw(worktree, ['rev-parse', 'HEAD'])).trim());
  } catch (e) {
    return r('error', (e as Error).message.split('\n')[0] ?? 'failed');
  }
}
