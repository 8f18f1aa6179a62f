// Saving a worktree's uncommitted work as a commit under refs/tmuxcodex/archive/, and bringing it back.
// The save goes through a temporary index, so the user's index and stash are never touched.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { failure, usageError } from '../errors.js';
import { indexTreeOf } from './index-state.js';
import { changedPaths, filesInTheWay } from './landing-writes.js';
import { indexMatchesDiskRaw } from './raw-blobs.js';
import { gitRaw } from './worktree.js';
import { excludingNested, nestedExcludes } from './nested-worktrees.js';

export const ARCHIVE_PREFIX = 'refs/tmuxcodex/archive/';
/** The commit message line that names the index's tree, when the archive keeps one. */
const INDEX_TRAILER = 'Tmuxcodex-Index-Tree: ';

export interface ArchiveEntry {
  /** "<agent name>/<n>", what `archive restore` takes. */
  id: string;
  agent: string;
  branch: string | null;
  ref: string;
  commit: string;
  /** The commit the work was based on (HEAD of the worktree when it was saved). */
  base: string;
  createdAt: string;
  files: number;
  /** The tree the worktree's index held when it differed from HEAD (staged content), restored as the index; else null. */
  indexTree?: string | null;
}

/** Identity for our own commits when the user has none configured (commit-tree needs one). */
async function commitEnv(dir: string): Promise<NodeJS.ProcessEnv> {
  const env = { ...process.env };
  const has = async (key: string) => (await gitRaw(dir, ['config', '--get', key], { okExitCodes: [1] })).trim() !== '';
  if (!(await has('user.name'))) { env.GIT_AUTHOR_NAME = 'tmuxcodex'; env.GIT_COMMITTER_NAME = 'tmuxcodex'; }
  if (!(await has('user.email'))) { env.GIT_AUTHOR_EMAIL = 'tmuxcodex@localhost'; env.GIT_COMMITTER_EMAIL = 'tmuxcodex@localhost'; }
  return env;
}

/** True if the worktree has uncommitted changes or untracked files that are not ignored (worktrees nested in it are their own). */
export async function isDirty(worktree: string): Promise<boolean> {
  return (await gitRaw(worktree, ['status', '--porcelain', '-z', '--untracked-files=all', ...(await excludingNested(worktree))])).length > 0;
}

/** The next free archive number for agent. */
async function nextArchiveNumber(dir: string, agent: string): Promise<number> {
  const refs = (await gitRaw(dir, ['for-each-ref', '--format=%(refname)', `${ARCHIVE_PREFIX}${agent}/`])).split('\n').filter(Boolean);
  const numbers = refs.map((r) => Number(r.slice(r.lastIndexOf('/') + 1))).filter(Number.isInteger);
  return numbers.length ? Math.max(...numbers) + 1 : 1;
}

/** A for-each-ref format whose fields end in NUL each (a commit message cannot hold one). */
const nulRecordFormat = (fields: readonly string[]) => fields.map((f) => `${f}%00`).join('');

/** Splits such output into records of n fields (git ends each record with a newline). */
function nulRecords(out: string, n: number): string[][] {
  const parts = out.split('\0');
  const records: string[][] = [];
  for (let i = 0; i + n <= parts.length; i += n) {
    const rec = parts.slice(i, i + n);
    rec[0] = rec[0]!.replace(/^\n/, '');
    if (rec[0]) records.push(rec);
  }
  return records;
}

/**
 * An archive this agent already has of exactly this tree on this HEAD: a kill cut short after its
 * archive and finished by the next daemon must not archive the same work twice.
 */
async function sameArchive(worktree: string, o: { agent: string; agentId: string; branch: string | null }, tree: string, head: string, indexTree: string | null): Promise<ArchiveEntry | null> {
  const out = await gitRaw(worktree, ['for-each-ref', `--format=${nulRecordFormat(['%(refname)', '%(objectname)', '%(tree)', '%(parent)', '%(creatordate:iso-strict)', '%(contents:body)'])}`, `${ARCHIVE_PREFIX}${o.agent}/`]);
  for (const [ref, commit, recTree, parent, createdAt, body] of nulRecords(out, 6)) {
    // Work saved on top of HEAD by this agent, or (detached commits, clean) HEAD itself.
    // The first parent is HEAD; a second one, if any, holds the index (see saveArchive).
    const sameIndex = indexTree ? !!body?.includes(`${INDEX_TRAILER}${indexTree}\n`) : !body?.includes(INDEX_TRAILER);
    const sameWork = recTree === tree && sameIndex && ((parent?.split(' ')[0] === head && !!body?.includes(`Tmuxcodex-Agent: ${o.agentId}\n`)) || commit === head);
    if (!ref || !commit || !sameWork) continue;
    const files = (await gitRaw(worktree, ['diff-tree', '-r', '--name-only', '--no-renames', '-z', head, commit])).split('\0').filter(Boolean).length;
    const id = ref.slice(ARCHIVE_PREFIX.length);
    return { id, agent: o.agent, branch: o.branch, ref, commit, base: head, createdAt: createdAt ?? '', files, indexTree };
  }
  return null;
}

/**
 * Saves every uncommitted and untracked (not ignored) change of worktree as a commit on top of its
 * HEAD, under refs/tmuxcodex/archive/<agent>/<n>, and verifies that the commit holds exactly what
 * is on disk. Returns null when there is nothing to save.
 */
export async function saveArchive(worktree: string, o: { agent: string; agentId: string; branch: string | null; ignoredToSave?: readonly string[] }): Promise<ArchiveEntry | null> {
  // The user's index is not asked whether the tree is dirty: assume-unchanged and skip-worktree
  // bits would hide real edits. A fresh temporary index, filled from the disk, decides.
  const tmp = mkdtempSync(join(tmpdir(), 'tmuxcodex-archive-'));
  const env = { ...(await commitEnv(worktree)), GIT_INDEX_FILE: join(tmp, 'index') };
  try {
    const head = (await gitRaw(worktree, ['rev-parse', '--verify', 'HEAD'])).trim();
    // Commits made on a detached HEAD are reachable from no ref: they go with the worktree unless saved.
    const reachable = (await gitRaw(worktree, ['for-each-ref', '--contains', head, '--count=1', '--format=%(refname)'])).trim() !== '';
    await gitRaw(worktree, ['read-tree', head], { env });
    // A worktree nested in this one (Claude's .claude/worktrees/*) is not this one's work: left out.
    const nested = await nestedExcludes(worktree);
    await gitRaw(worktree, ['add', '--all', '--', '.', ...nested], { env, timeoutMs: 300_000 });
    // Ignored files that are work all the same (copied in at provisioning, changed since): added by name.
    if (o.ignoredToSave?.length) await gitRaw(worktree, ['add', '--force', '--pathspec-from-file=-', '--pathspec-file-nul'], { env: { ...env, GIT_LITERAL_PATHSPECS: '1' }, input: o.ignoredToSave.join('\0') });
    const headTree = (await gitRaw(worktree, ['rev-parse', `${head}^{tree}`])).trim();
    // A repository inside the worktree (an agent's clone) would be saved as a bare gitlink whose
    // commit lives only in its own .git, which goes with the worktree: refuse rather than lose it.
    const added = (await gitRaw(worktree, ['diff-index', '--cached', '--no-renames', '-z', '--diff-filter=AM', head], { env })).split('\0');
    const gitlinks: string[] = [];
    // A submodule HEAD already had, moved to another commit, is only a commit id to save (callers
    // check first that the commit is safe elsewhere: submodule-work.ts).
    for (let i = 0; i + 1 < added.length; i += 2) if (/^:(?!160000)\d+ 160000 /.test(added[i]!)) gitlinks.push(added[i + 1]!);
    if (gitlinks.length) throw failure('ARCHIVE_NESTED_REPO', `${worktree} holds git repositories of its own (${gitlinks.join(', ')}) that an archive cannot hold; nothing was removed.`, 'Move or push that work, then kill the agent again.');
    const tree = (await gitRaw(worktree, ['write-tree'], { env })).trim();
    // Staged content is work too (staged one version, edited again since): kept when the index differs from HEAD.
    const ownIndex = await indexTreeOf(worktree, tmp, headTree);
    const indexTree = ownIndex === headTree ? null : ownIndex;
    if (tree === headTree && reachable && !indexTree) return null; // nothing that is not already in a ref
    // Verify against the disk before anything is removed: the temp index must match every file.
    // Clean filters (text=auto, autocrlf) would store converted bytes, and `archive restore` would
    // then not give back the same file: refuse to remove such a worktree rather than change its files.
    const stillDiffers = (await gitRaw(worktree, ['diff-files', '--name-only', '-z'], { env })).length > 0;
    const untracked = (await gitRaw(worktree, ['ls-files', '--others', '--exclude-standard', '-z', ...(nested.length ? ['--', ...nested] : [])], { env })).length > 0;
    if (stillDiffers || untracked || !(await indexMatchesDiskRaw(worktree, head, env))) throw failure('ARCHIVE_UNVERIFIED', `The archive of ${worktree} does not match the files on disk byte for byte (line-ending or filter conversion?); nothing was removed.`, 'Commit or copy the work by hand, then kill the agent again.');
    const same = await sameArchive(worktree, o, tree, head, indexTree);
    if (same) return same;
    const message = `tmuxcodex: work of ${o.agent} saved when it was killed\n\nTmuxcodex-Agent: ${o.agentId}\nTmuxcodex-Branch: ${o.branch ?? '(detached)'}\n${indexTree ? `${INDEX_TRAILER}${indexTree}\n` : ''}`;
    // The index rides along as a second parent (a commit of its tree on HEAD), so it stays reachable.
    const indexParent = indexTree ? ['-p', (await gitRaw(worktree, ['commit-tree', indexTree, '-p', head, '-m', `tmuxcodex: index of ${o.agent}`], { env })).trim()] : [];
    // Clean but unreachable (detached commits): the ref points at HEAD itself.
    const commit = tree === headTree && !indexTree ? head : (await gitRaw(worktree, ['commit-tree', tree, '-p', head, ...indexParent, '-F', '-'], { env, input: message })).trim();
    const n = await nextArchiveNumber(worktree, o.agent);
    const ref = `${ARCHIVE_PREFIX}${o.agent}/${n}`;
    await gitRaw(worktree, ['update-ref', ref, commit, ''], { env }); // '' = must not exist yet
    const stored = (await gitRaw(worktree, ['rev-parse', '--verify', `${ref}^{tree}`])).trim();
    if (stored !== tree) throw failure('ARCHIVE_UNVERIFIED', `The archive ref ${ref} does not hold the saved tree; nothing was removed.`);
    const files = (await gitRaw(worktree, ['diff-tree', '-r', '--name-only', '--no-renames', '-z', head, commit])).split('\0').filter(Boolean).length;
    return { id: `${o.agent}/${n}`, agent: o.agent, branch: o.branch, ref, commit, base: head, createdAt: new Date().toISOString(), files, indexTree };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Every saved archive of the repository, newest first. */
export async function listArchives(dir: string): Promise<ArchiveEntry[]> {
  const out = await gitRaw(dir, ['for-each-ref', '--sort=-creatordate', `--format=${nulRecordFormat(['%(refname)', '%(objectname)', '%(creatordate:iso-strict)', '%(contents:body)'])}`, ARCHIVE_PREFIX]);
  const entries: ArchiveEntry[] = [];
  for (const [ref, commit, createdAt, body] of nulRecords(out, 4)) {
    if (!ref || !commit) continue;
    const id = ref.slice(ARCHIVE_PREFIX.length);
    const base = (await gitRaw(dir, ['rev-parse', `${commit}^`])).trim();
    const files = (await gitRaw(dir, ['diff-tree', '-r', '--name-only', '--no-renames', '-z', base, commit])).split('\0').filter(Boolean).length;
    const branch = /Tmuxcodex-Branch: (.*)/.exec(body ?? '')?.[1] ?? null;
    const indexTree = /Tmuxcodex-Index-Tree: ([0-9a-f]+)/.exec(body ?? '')?.[1] ?? null;
    entries.push({ id, agent: id.slice(0, id.lastIndexOf('/')), branch: branch === '(detached)' ? null : branch, ref, commit, base, createdAt: createdAt ?? '', files, indexTree });
  }
  // Newest first; archives of one agent made within the same second by number, highest first.
  const num = (e: ArchiveEntry) => Number(e.id.slice(e.id.lastIndexOf('/') + 1));
  return entries.sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || (a.agent === b.agent ? num(b) - num(a) : 0));
}

/** Finds an archive by id ("name/n") or by a prefix of its commit. */
export async function findArchive(dir: string, idOrCommit: string): Promise<ArchiveEntry> {
  const all = await listArchives(dir);
  const hit = all.find((a) => a.id === idOrCommit) ?? (idOrCommit.length >= 7 ? all.find((a) => a.commit.startsWith(idOrCommit)) : undefined);
  if (!hit) throw usageError('NO_SUCH_ARCHIVE', `No archive "${idOrCommit}".`, 'Run `tmuxcodex archive list` to see the saved work.');
  return hit;
}

/**
 * Applies an archive's changes to a clean worktree as uncommitted changes, exactly as they were:
 * contents, modes, deletions, and untracked files as untracked. The worktree must be clean.
 */
export async function applyArchive(worktree: string, entry: ArchiveEntry): Promise<void> {
  if (await isDirty(worktree)) throw usageError('WORKTREE_NOT_CLEAN', `${worktree} has uncommitted changes; the archive is only restored into a clean worktree.`, 'Commit or stash them, or restore into a new worktree (leave out --into).');
  // git would overwrite git-ignored files in the way (an archive may hold a provisioned .env): refuse, naming them.
  const inTheWay = await filesInTheWay(worktree, await changedPaths(worktree, `${entry.commit}^1`, entry.commit));
  if (inTheWay.length) throw usageError('FILES_IN_THE_WAY', `Restoring ${entry.id} into ${worktree} would overwrite files git does not track there: ${inTheWay.join(', ')}. Nothing was changed.`, 'Move them aside, or restore into a new worktree (leave out --into).');
  try {
    // An archive that keeps the index has it as a second parent: the work is the change from the first.
    await gitRaw(worktree, ['cherry-pick', '--no-commit', ...(entry.indexTree ? ['-m', '1'] : []), entry.commit], { timeoutMs: 300_000 });
  } catch (e) {
    await gitRaw(worktree, ['cherry-pick', '--abort'], { okExitCodes: [128] }).catch(() => {});
    // --merge, not --hard: the worktree may be a running agent's, and a file it wrote meanwhile is its work.
    const back = await gitRaw(worktree, ['reset', '--merge', '--quiet']).then(() => true, () => false);
    throw usageError('ARCHIVE_CONFLICT', `The archive ${entry.id} does not apply cleanly to ${worktree}; ${back ? 'the worktree was left as it was' : 'a file it wrote was changed meanwhile, so what it wrote was left there (see `git status`)'}.`, 'Restore into a new worktree instead (leave out --into).');
  }
  // Unstage: the work comes back as it was, uncommitted, with new files untracked; and what was
  // staged comes back staged, where the worktree stands on the same commit as when it was saved.
  await gitRaw(worktree, ['reset', '--quiet']);
  if (entry.indexTree && (await gitRaw(worktree, ['rev-parse', '--verify', 'HEAD'])).trim() === entry.base) await gitRaw(worktree, ['read-tree', entry.indexTree]);
}
