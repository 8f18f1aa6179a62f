// Whether a branch is merged enough to delete: the map's judgement (ancestry, patches, squash), with
// a cherry-pick judgement checked again byte for byte, since the map's patch ids ignore whitespace.
import { mergedState } from '../git/mergemap.js';
import { pickedVerbatim } from '../git/verbatim-merged.js';

/** True when branch may be deleted as merged into target. */
export async function mergedForDeletion(repo: string, branch: string, target: string): Promise<boolean> {
  const merged = await mergedState(repo, branch, target);
  if (merged === 'patch') return pickedVerbatim(repo, branch, target);
  return merged !== 'no';
}
