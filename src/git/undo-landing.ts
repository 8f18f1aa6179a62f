// Undoing a landing that failed half way in a checkout (a pre-commit hook said no, say), without
// `reset --hard`: only the paths the landing wrote, and of those only the ones that still hold
// exactly what it wrote (index and file), go back to the target's tip. Whatever a person or an
// agent changed there meanwhile is left as it is, and named.
import { existsSync, rmSync } from 'node:fs';
import { changedPaths, nulFields, pathIn } from './landing-writes.js';
import { gitBytes, gitRaw } from './worktree.js';

export interface LandingUndo {
  /** Paths put back as they were at the target's tip. */
  undone: string[];
  /** Paths the landing wrote that were changed since: left as they are. */
  left: string[];
  /** HEAD is no longer the target's old tip: nothing was touched. */
  headMoved: string | null;
}

// Paths are names, never patterns: a file called '*' must not match every file.
const literal = { ...process.env, GIT_LITERAL_PATHSPECS: '1' };

/** The paths (as byte keys) that one more of git's -z --name-only commands lists (run on the whole tree; porcelain diff, which looks past stale stat data). */
async function listed(checkout: string, args: readonly string[]): Promise<Set<string>> {
  const out = await gitBytes(checkout, [...args, '--name-only', '-z', '--no-renames'], { timeoutMs: 120_000 });
  return new Set(nulFields(out).map(key));
}

/** A path's bytes as a lossless string key (latin1 maps each byte to one character). */
const key = (raw: Buffer) => raw.toString('latin1');

/** Path bytes as git's --pathspec-file-nul input. */
const nulInput = (paths: readonly Buffer[]) => Buffer.concat(paths.flatMap((p) => [p, Buffer.from([0])]));

/** Undoes what landing `landed` (a tree) on `before` wrote in checkout; see the file comment. */
export async function undoLanding(checkout: string, before: string, landed: string): Promise<LandingUndo> {
  const head = (await gitRaw(checkout, ['rev-parse', '--verify', 'HEAD'])).trim();
  if (head !== before) return { undone: [], left: [], headMoved: head };
  // The merge state goes, the index and files stay as they are (unlike `merge --abort`, a reset).
  if ((await gitRaw(checkout, ['rev-parse', '-q', '--verify', 'MERGE_HEAD'], { okExitCodes: [1] })).trim()) await gitRaw(checkout, ['merge', '--quit']);
  const squashMsg = (await gitRaw(checkout, ['rev-parse', '--path-format=absolute', '--git-path', 'SQUASH_MSG'])).trim();
  rmSync(squashMsg, { force: true });

  const changes = await changedPaths(checkout, before, landed);
  if (!changes.length) return { undone: [], left: [], headMoved: null };
  const fileDiffers = await listed(checkout, ['diff', '--no-ext-diff']);
  const indexNotLanded = await listed(checkout, ['diff', '--no-ext-diff', '--cached', landed]);
  const indexNotBefore = await listed(checkout, ['diff', '--no-ext-diff', '--cached', before]);
  const undo: typeof changes = [];
  const left: string[] = [];
  for (const c of changes) {
    // A path the landing deletes, made again on disk since (untracked now): someone's file.
    const k = key(c.raw);
    const recreated = c.status === 'D' && !indexNotLanded.has(k) && existsSync(pathIn(checkout, c.raw));
    if (fileDiffers.has(k) || recreated) left.push(c.path);
    else if (!indexNotBefore.has(k)) continue; // never written: as it was
    else if (!indexNotLanded.has(k)) undo.push(c);
    else left.push(c.path);
  }
  const added = undo.filter((c) => c.status === 'A').map((c) => c.raw);
  const restored = undo.filter((c) => c.status !== 'A').map((c) => c.raw);
  if (added.length) await gitRaw(checkout, ['rm', '-q', '-f', '--pathspec-from-file=-', '--pathspec-file-nul'], { input: nulInput(added), env: literal });
  if (restored.length) await gitRaw(checkout, ['checkout', '-q', before, '--pathspec-from-file=-', '--pathspec-file-nul'], { input: nulInput(restored), env: literal });
  return { undone: undo.map((c) => c.path), left, headMoved: null };
}

/** The undo in words, for the error a failed landing raises. */
export function describeUndo(u: LandingUndo, checkout: string): string {
  if (u.headMoved) return `HEAD in ${checkout} moved meanwhile (to ${u.headMoved.slice(0, 12)}), so nothing there was undone.`;
  const parts = [u.undone.length ? `Undone in ${checkout}: ${u.undone.length} file(s) the landing had written (${u.undone.join(', ')}).` : `Nothing had been written in ${checkout}.`];
  if (u.left.length) parts.push(`Left as they are, changed there since the landing wrote them: ${u.left.join(', ')} (see git diff there).`);
  return parts.join(' ');
}
