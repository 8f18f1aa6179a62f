// How much longer than on a quiet machine a test may wait. Deadlines and test timeouts are multiplied
// by it, so that a machine whose two cores are busy with other work (CI beside another job; issue 14
// item 20) fails only on a real defect, never on its own slowness. A passing test is not slowed by it.
// Speed itself is checked by the benchmarks (npm run bench), not here. TMUXCODEX_TEST_SLACK overrides.
export const SLACK = Math.max(1, Number(process.env.TMUXCODEX_TEST_SLACK) || 3);

/** ms scaled by the slack: the deadline for something that takes about ms on a quiet machine. */
export function slack(ms: number): number {
  return Math.round(ms * SLACK);
}
