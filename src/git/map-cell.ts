// One cell of the merge map: a branch (or a detached commit) against one target.
export type Merged = 'no' | 'ancestor' | 'patch' | 'squash';

export interface MapCell {
  ahead: number;
  behind: number;
  merged: Merged;
  /** Where the work is merged: the target itself, or its remote-tracking branch (origin/main) when only there; null when not merged. */
  mergedOn: string | null;
  /** Paths that would conflict if the branch were merged into the target now. */
  conflicts: string[];
}
