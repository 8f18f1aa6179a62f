// GitWatcher with real git (no tmux): agents get their git fields after sync, and commits, staged
// files, unstaged edits and target moves show up on their own, through the git-folder watch or the poll.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentRecord } from '../../../src/core/agent.js';
import { GitWatcher } from '../../../src/daemon/watch/git-watch.js';
import { git as gitIn } from '../../helpers/git-repo.js';
import { waitFor } from '../../helpers/wait-for.js';

type GitFields = NonNullable<AgentRecord['git']>;

const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
const git = (dir: string, ...args: string[]) => gitIn(dir, args, env);
/** Long enough that the poll never fires during a test: what shows up came through the git-folder watch. */
const NO_POLL_MS = 3_600_000;
const DEADLINE = { timeoutMs: 10_000 };

let root: string;
let repo: string;
let wtA: string;
let wtB: string;
let agents: AgentRecord[];
let published: Map<string, GitFields>;
let publishes: number;
let logs: string[];
let watcher: GitWatcher | null;

function agent(id: string, worktree: string, branch: string): AgentRecord {
  return {
    id, name: `agent-${id}`, profile: 'shell', paneId: null, windowId: null, session: null,
    cwd: worktree, worktree: { path: worktree, mode: 'existing' }, branch, base: 'main', target: 'main', parentId: null, task: null,
    createdAt: new Date(Date.UTC(2026, 0, 1)).toISOString(), sessionId: null, transcriptPath: null,
    state: 'running', exitCode: null, ports: [], source: null, deps: [], branchCreated: false, fix: null, pr: null, context: null, contextWindow: null, model: null, transcriptFormat: null, launch: null, conversation: null, git: null,
  };
}

async function commit(dir: string, file: string, text: string, msg: string): Promise<void> {
  writeFileSync(join(dir, file), text);
  await git(dir, 'add', file);
  await git(dir, 'commit', '-q', '-m', msg);
}

function start(pollMs: number): GitWatcher {
  watcher = new GitWatcher(() => agents, (id, g) => { published.set(id, g); publishes++; }, (m) => logs.push(m), pollMs);
  return watcher;
}

/** Waits until what was published for id matches want. */
function publishedAs(id: string, want: Partial<GitFields>, what: string): Promise<GitFields> {
  return waitFor(() => {
    const g = published.get(id);
    return g && Object.entries(want).every(([k, v]) => JSON.stringify(g[k as keyof GitFields]) === JSON.stringify(v)) ? g : undefined;
  }, { ...DEADLINE, what: `${what}: ${JSON.stringify(want)}, published ${JSON.stringify(published.get(id))}` });
}

/**
 * chokidar sets its watches up asynchronously after sync: move a spare ref until a refresh follows,
 * so that the changes a test makes next cannot fall before the watch began.
 */
async function watchIsLive(): Promise<void> {
  const before = publishes;
  let n = 0;
  await waitFor(async () => {
    await git(repo, 'branch', '-f', `probe-${n++}`, 'main');
    return publishes > before;
  }, { ...DEADLINE, intervalMs: 100, what: 'the git-folder watch to report a ref change' });
}

beforeEach(async () => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'tmuxcodex-git-watch-')));
  repo = join(root, 'repo');
  await git(root, 'init', '-q', '-b', 'main', repo);
  await commit(repo, 'README.md', 'base\n', 'base');
  wtA = join(root, 'wt-a');
  wtB = join(root, 'wt-b');
  await git(repo, 'worktree', 'add', '-q', '-b', 'wt-a', wtA, 'main');
  await git(repo, 'worktree', 'add', '-q', '-b', 'wt-b', wtB, 'main');
  await commit(wtB, 'b.txt', 'b\n', 'b: work');
  // Each branch's base is the commit it was created from, as spawn records it.
  const base = (await git(repo, 'rev-parse', 'main')).trim();
  agents = [{ ...agent('a', wtA, 'wt-a'), base }, { ...agent('b', wtB, 'wt-b'), base }];
  published = new Map();
  publishes = 0;
  logs = [];
  watcher = null;
});

afterEach(async () => {
  await watcher?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('GitWatcher', () => {
  it('publishes every agent\'s git fields after sync', async () => {
    await start(300).sync();
    // A branch still at its base has no commits of its own: never "merged" (issue 15, item 5).
    const a = await publishedAs('a', { ahead: 0, behind: 0, noCommitsYet: true }, 'fresh branch at main');
    expect(a).toEqual({ ahead: 0, behind: 0, dirty: 0, merged: false, mergedHow: 'no', mergedOn: null, conflicts: [], noCommitsYet: true, conflictsWith: [] });
    const b = await publishedAs('b', { ahead: 1, merged: false }, 'branch with one commit');
    expect(b).toEqual({ ahead: 1, behind: 0, dirty: 0, merged: false, mergedHow: 'no', mergedOn: null, conflicts: [], noCommitsYet: false, conflictsWith: [] });
    expect(logs).toEqual([]);
  });

  it('returns the repository\'s cache after sync, null for a folder it does not watch', async () => {
    const w = start(300);
    const common = (await git(wtA, 'rev-parse', '--path-format=absolute', '--git-common-dir')).trim();
    expect(w.cacheFor(common)).toBeNull();
    await w.sync();
    const cache = w.cacheFor(common);
    expect(cache).not.toBeNull();
    expect(w.cacheFor(join(root, 'elsewhere', '.git'))).toBeNull();
    // It is the cache the refreshes fill.
    await publishedAs('b', { ahead: 1 }, 'first refresh');
    await waitFor(() => cache!.cells.size > 0, { ...DEADLINE, what: 'cached cells' });
    expect(cache!.dirty.get(wtB)).toBe(0);
  });

  it('shows a commit in one worktree without another sync (the git-folder watch, no poll)', async () => {
    await start(NO_POLL_MS).sync();
    await publishedAs('a', { ahead: 0, noCommitsYet: true }, 'fresh branch at main');
    await watchIsLive();
    await commit(wtA, 'a.txt', 'a\n', 'a: work');
    await publishedAs('a', { ahead: 1, merged: false, mergedHow: 'no', noCommitsYet: false }, 'the commit in wt-a');
    expect(published.get('b')).toMatchObject({ ahead: 1, behind: 0 });
    expect(logs).toEqual([]);
  });

  it('shows a file staged in a worktree in its dirty count (its index changed, no poll)', async () => {
    await start(NO_POLL_MS).sync();
    await publishedAs('b', { dirty: 0 }, 'clean worktree');
    await watchIsLive();
    writeFileSync(join(wtB, 'staged.txt'), 'staged\n');
    await git(wtB, 'add', 'staged.txt');
    await publishedAs('b', { dirty: 1 }, 'the staged file');
    expect(published.get('a')).toMatchObject({ dirty: 0 });
  });

  it('raises behind for every agent after a commit on main (no poll)', async () => {
    await start(NO_POLL_MS).sync();
    await publishedAs('a', { behind: 0 }, 'a at main');
    await publishedAs('b', { behind: 0, ahead: 1 }, 'b at main plus one');
    await watchIsLive();
    await commit(repo, 'main.txt', 'main moves\n', 'main: moves');
    // a has nothing of its own: still "no commits yet" (never merged), now behind.
    await publishedAs('a', { behind: 1, ahead: 0, merged: false, noCommitsYet: true }, 'a after main moved');
    await publishedAs('b', { behind: 1, ahead: 1, merged: false }, 'b after main moved');
    expect(logs).toEqual([]);
  });

  it('names the other agent whose branch would conflict with this one, on both (issue 15, item 6)', async () => {
    await commit(wtA, 'README.md', 'a says\n', 'a: readme');
    await commit(wtB, 'README.md', 'b says\n', 'b: readme');
    await start(NO_POLL_MS).sync();
    await publishedAs('a', { conflictsWith: [{ agent: 'agent-b', files: ['README.md'] }] }, 'a conflicts with b');
    await publishedAs('b', { conflictsWith: [{ agent: 'agent-a', files: ['README.md'] }] }, 'b conflicts with a');
    expect(logs).toEqual([]);
  });

  it('finds unstaged edits within 2 s through inotify on the tracked folders, with no poll (issue 15, item 7)', async () => {
    await start(NO_POLL_MS).sync();
    await publishedAs('a', { dirty: 0 }, 'clean wt-a');
    await publishedAs('b', { dirty: 0 }, 'clean wt-b');
    writeFileSync(join(wtB, 'untracked.txt'), 'new\n');
    writeFileSync(join(wtB, 'b.txt'), 'b, edited\n');
    writeFileSync(join(wtA, 'README.md'), 'edited, not staged\n');
    const t0 = Date.now();
    await waitFor(() => published.get('a')?.dirty === 1 || undefined, { timeoutMs: 2000, what: 'the modified tracked file in wt-a within 2 s' });
    await waitFor(() => published.get('b')?.dirty === 2 || undefined, { timeoutMs: 2000, what: 'the new and the modified file in wt-b within 2 s' });
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(logs).toEqual([]);
  });
});
