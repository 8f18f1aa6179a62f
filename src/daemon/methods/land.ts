// Landing work: merge (land a branch on its target, then tidy the agent away) and clean.
import { cleanVerdict, landingFacts, landingMessage } from '../../agents/landing.js';
import { keptBranchAdvice } from '../../agents/kept-branch.js';
import { landBranch } from '../../git/land.js';
import { worktreeRoot } from '../../git/repo.js';
import type { DaemonContext } from '../context.js';
import type { Params, Result } from '../protocol.js';
import { removeAgent } from './kill.js';

/**
 * Lands an agent's branch on its target (or p.into) locally; then, unless p.keep, stops the
 * agent and tidies its worktree and branch away as kill does (the branch only if now merged).
 */
export function merge(ctx: DaemonContext, p: Params<'merge'>): Promise<Result<'merge'>> {
  return ctx.mutex.run(async () => {
    const { registry } = ctx;
    const agent = registry.resolve(p.agent);
    const { repo, branch, target } = await landingFacts(agent, p.into);
    const landed = await landBranch(repo, { branch, target, method: p.method, message: await landingMessage(repo, agent, branch, target, p.method) });
    const teardown = p.keep ? null : await removeAgent(ctx, registry.get(agent.id) ?? agent, { keepWorktree: false, force: false, mergedInto: target, landedTip: landed.branchTip });
    return {
      agent: registry.get(agent.id) ?? { ...agent, state: 'gone' }, branch, into: target, method: p.method, commit: landed.after,
      removed: teardown?.removed ?? null, landed, teardown,
    };
  });
}

/** Tidies away agents that have exited whose work is merged into their target; p.dryRun only says what it would do. */
export function clean(ctx: DaemonContext, p: Params<'clean'>): Promise<Result<'clean'>> {
  return ctx.mutex.run(async () => {
    const results: Result<'clean'>['results'] = [];
    for (const agent of ctx.registry.all()) {
      if (agent.state !== 'exited' && agent.state !== 'gone') continue;
      const verdict = await cleanVerdict(agent);
      if (verdict.merged === 'no') {
        results.push({ agent: agent.name, branch: agent.branch, target: verdict.target, merged: 'no', action: 'kept', reason: verdict.reason, removed: null });
        continue;
      }
      const removed = p.dryRun ? null : await removeAgent(ctx, agent, { keepWorktree: false, force: false, mergedInto: verdict.target ?? undefined });
      results.push({ agent: agent.name, branch: agent.branch, target: verdict.target, merged: verdict.merged, action: p.dryRun ? 'would-remove' : 'removed', reason: null, removed });
    }
    // Branches kept when their agents went: listed with what to do, never deleted here.
    const repo = p.cwd ? await worktreeRoot(p.cwd) : null;
    if (repo) for (const k of await keptBranchAdvice(repo)) results.push({ agent: k.agent, branch: k.branch, target: k.target, merged: k.merged, action: 'kept', reason: k.reason, removed: null });
    return { results };
  });
}
