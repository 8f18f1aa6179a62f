// Issue 14, "nothing lost": through the CLI on a real tmux server and real git repositories, the
// ways kill, clean and merge used to lose a person's or an agent's work, each shown not to any more.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFileSync, existsSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestServer, type TestServer } from '../helpers/tmux-server.js';
import { cli, cliJson } from '../helpers/cli.js';
import { git, makeRepo } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait-for.js';
import type { AgentRecord } from '../../src/core/agent.js';
import type { CleanResult } from '../../src/daemon/protocol.js';

let ts: TestServer;
let repo: string;
const wt = (name: string) => join(`${repo}.worktrees`, name);
const g = (dir: string, args: readonly string[]) => git(dir, args, ts.env);
const tip = async (ref: string, dir = repo) => (await g(dir, ['rev-parse', '--verify', ref])).trim();
const refs = async (prefix: string) => (await g(repo, ['for-each-ref', '--format=%(refname) %(objectname)', prefix])).split('\n').filter(Boolean).sort();
const branchExists = async (b: string) => (await refs(`refs/heads/${b}`)).some((l) => l.startsWith(`refs/heads/${b} `));

async function agents(): Promise<AgentRecord[]> {
  return (await cliJson<{ agents: AgentRecord[] }>(ts, ['list'], { cwd: repo })).agents;
}
const agent = async (name: string) => (await agents()).find((a) => a.name === name);

async function spawnAgent(name: string, cmd = 'exec sleep 600'): Promise<AgentRecord> {
  return cliJson<AgentRecord>(ts, ['spawn', '--name', name, '--worktree', 'new', '--cmd', cmd], { cwd: repo });
}

/** Writes file (relative to dir) and commits it there; returns the new commit. */
async function commitFile(dir: string, file: string, content: string, msg: string): Promise<string> {
  writeFileSync(join(dir, file), content);
  await g(dir, ['add', file]);
  await g(dir, ['commit', '-q', '-m', msg]);
  return tip('HEAD', dir);
}

/** The kill intents the daemon has on disk (stateDir/kills/*.json). */
function killIntents(): string[] {
  const base = join(ts.env.XDG_STATE_HOME!, 'tmuxcodex');
  return readdirSync(base).flatMap((key) => {
    const dir = join(base, key, 'kills');
    return existsSync(dir) ? readdirSync(dir) : [];
  });
}

beforeAll(async () => {
  ts = createTestServer('nothing-lost');
  repo = realpathSync(await makeRepo(join(ts.root, 'repo'), ts.env));
  await g(repo, ['config', 'user.name', 'Repo User']);
  await g(repo, ['config', 'user.email', 'repo@example.com']);
  const up = await cli(ts, ['up', '--detached'], { cwd: repo });
  expect(up.exitCode, up.stderr).toBe(0);
});

afterAll(async () => {
  await cli(ts, ['daemon', 'stop']);
  await ts.dispose();
});

describe('branches tmuxcodex deletes (item 4, item 5)', () => {
  it('kill keeps a branch that is in the target only up to whitespace (patch-id ignores it), saying so', async () => {
    await spawnAgent('ws');
    await commitFile(wt('ws'), 'ws.txt', 'const answer = 42;\n', 'answer');
    // The same change on main, but with other whitespace: the map calls the branch cherry-picked.
    await commitFile(repo, 'ws.txt', 'const  answer  =  42;\n', 'answer, spaced');
    const map = await cliJson<{ rows: Array<{ branch: string; targets: Record<string, { merged: string }> }> }>(ts, ['map'], { cwd: repo });
    expect(map.rows.find((r) => r.branch === 'ws')?.targets.main?.merged).toBe('patch');
    const wsTip = await tip('ws');
    const res = await cli(ts, ['kill', 'ws'], { cwd: repo });
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stdout).toContain('kept branch ws');
    expect(await tip('ws')).toBe(wsTip);
  });

  it('clean keeps an exited agent whose commits are in the target only up to whitespace', async () => {
    await spawnAgent('wc', 'sleep 0.3; exit 0');
    await waitFor(async () => (await agent('wc'))?.state === 'exited', { timeoutMs: 8000, what: 'wc exited' });
    await commitFile(wt('wc'), 'wc.txt', 'let x = 1;\n', 'x');
    await commitFile(repo, 'wc.txt', 'let x = 1; \n', 'x, with a trailing space');
    const dry = await cliJson<{ results: CleanResult[] }>(ts, ['clean', '--dry-run'], { cwd: repo });
    expect(dry.results.find((r) => r.agent === 'wc')).toMatchObject({ action: 'kept', reason: 'its commits are in main only up to whitespace' });
    const out = await cliJson<{ results: CleanResult[] }>(ts, ['clean'], { cwd: repo });
    expect(out.results.find((r) => r.agent === 'wc')).toMatchObject({ action: 'kept' });
    expect(await branchExists('wc')).toBe(true);
    expect(existsSync(wt('wc'))).toBe(true);
    expect((await cli(ts, ['kill', 'wc', '--force'], { cwd: repo })).exitCode).toBe(0);
  });

  it('a branch deleted as merged keeps its tip under refs/tmuxcodex/branches/ first', async () => {
    await spawnAgent('wm');
    const wmTip = await tip('wm');
    const res = await cli(ts, ['kill', 'wm'], { cwd: repo });
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stdout).toContain('deleted branch wm (merged into its target)');
    expect(await branchExists('wm')).toBe(false);
    expect(await refs('refs/tmuxcodex/branches/wm/')).toEqual([`refs/tmuxcodex/branches/wm/1/wm ${wmTip}`]);
  });

  it('a second kill --force of an agent of the same name keeps both tips, numbered', async () => {
    await spawnAgent('x');
    const first = await commitFile(wt('x'), 'x1.txt', 'first x\n', 'first x');
    expect((await cli(ts, ['kill', 'x', '--force'], { cwd: repo })).exitCode).toBe(0);
    expect(await branchExists('x')).toBe(false);
    await spawnAgent('x');
    const second = await commitFile(wt('x'), 'x2.txt', 'second x\n', 'second x');
    expect((await cli(ts, ['kill', 'x', '--force'], { cwd: repo })).exitCode).toBe(0);
    expect(await refs('refs/tmuxcodex/branches/x/')).toEqual([`refs/tmuxcodex/branches/x/1/x ${first}`, `refs/tmuxcodex/branches/x/2/x ${second}`]);
  });
});

describe('a refused kill leaves no intent behind (item 8)', () => {
  it('kill refused for a nested repository writes down nothing a later daemon would carry out', async () => {
    await spawnAgent('nr');
    const inner = join(wt('nr'), 'inner');
    await makeRepo(inner, ts.env);
    const res = await cli(ts, ['kill', 'nr'], { cwd: repo });
    expect(res.exitCode).not.toBe(0);
    expect(res.stderr).toContain('git repositories of its own');
    expect(killIntents()).toEqual([]);
    expect(existsSync(join(inner, 'README.md'))).toBe(true);
    // A daemon started again carries nothing out: the agent is still known, its worktree still there.
    expect((await cli(ts, ['daemon', 'stop'])).exitCode).toBe(0);
    expect((await agent('nr'))?.name).toBe('nr');
    expect(existsSync(join(inner, 'README.md'))).toBe(true);
  });
});

describe('merge into a checkout (item 1, item 6)', () => {
  beforeAll(async () => {
    writeFileSync(join(repo, '.gitignore'), '.env\n');
    await commitFile(repo, 'journal.txt', 'journal\n', 'journal');
    await commitFile(repo, 'shared.txt', 'shared\n', 'shared');
    await commitFile(repo, '.gitignore', '.env\n', 'ignore .env');
  });

  it('refuses to overwrite a git-ignored file in the checkout (the agent committed its own .env with add -f), naming it', async () => {
    await spawnAgent('ig');
    writeFileSync(join(wt('ig'), '.env'), 'TOKEN=agent\n');
    await g(wt('ig'), ['add', '-f', '.env']);
    await g(wt('ig'), ['commit', '-q', '-m', 'agent env']);
    writeFileSync(join(repo, '.env'), 'TOKEN=the person\'s own\n');
    const mainTip = await tip('main');
    const res = await cli(ts, ['merge', 'ig'], { cwd: repo });
    expect(res.exitCode).toBe(1);
    expect(res.stderr).toContain('would overwrite 1 file(s)');
    expect(res.stderr).toContain('.env');
    expect(readFileSync(join(repo, '.env'), 'utf8')).toBe('TOKEN=the person\'s own\n');
    expect(await tip('main')).toBe(mainTip);
    expect(await branchExists('ig')).toBe(true);
    expect((await cli(ts, ['kill', 'ig', '--force'], { cwd: repo })).exitCode).toBe(0);
  });

  it('also an ignored file whose name is not valid UTF-8 (Latin-1 bytes)', async () => {
    appendFileSync(join(repo, '.git', 'info', 'exclude'), '*.local\n');
    const name = Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2e, 0x6c, 0x6f, 0x63, 0x61, 0x6c]); // "café.local" in Latin-1
    await spawnAgent('il');
    writeFileSync(Buffer.concat([Buffer.from(`${wt('il')}/`), name]), 'the agent\'s\n');
    await g(wt('il'), ['add', '-f', '--', '*.local']);
    await g(wt('il'), ['commit', '-q', '-m', 'agent local file']);
    const mine = Buffer.concat([Buffer.from(`${repo}/`), name]);
    writeFileSync(mine, 'the person\'s\n');
    const mainTip = await tip('main');
    const res = await cli(ts, ['merge', 'il'], { cwd: repo });
    expect(res.exitCode).toBe(1);
    expect(res.stderr).toContain('would overwrite 1 file(s)');
    expect(readFileSync(mine, 'utf8')).toBe('the person\'s\n');
    expect(await tip('main')).toBe(mainTip);
    rmSync(mine);
    expect((await cli(ts, ['kill', 'il', '--force'], { cwd: repo })).exitCode).toBe(0);
  });

  for (const [method, hook] of [['--squash', 'pre-commit'], ['--no-ff merge', 'pre-merge-commit']] as const) {
    it(`a ${method} stopped by a failing ${hook} hook undoes only what it wrote: edits made meanwhile stay, and it says which`, async () => {
      const name = hook === 'pre-commit' ? 'hs' : 'hm';
      await spawnAgent(name);
      writeFileSync(join(wt(name), 'feature.txt'), 'the feature\n');
      writeFileSync(join(wt(name), 'shared.txt'), 'shared\nagent line\n');
      await g(wt(name), ['add', 'feature.txt', 'shared.txt']);
      await g(wt(name), ['commit', '-q', '-m', 'feature']);
      // The hook stands for a person editing the checkout while the landing runs, then saying no.
      const hookPath = join(repo, '.git', 'hooks', hook);
      writeFileSync(hookPath, '#!/bin/sh\nprintf \'person edit\\n\' >> journal.txt\nprintf \'person line\\n\' >> shared.txt\necho \'the hook says no\' >&2\nexit 1\n', { mode: 0o755 });
      const mainTip = await tip('main');
      try {
        const res = await cli(ts, ['merge', name, ...(method === '--squash' ? ['--squash'] : [])], { cwd: repo });
        expect(res.exitCode).toBe(1);
        expect(res.stderr).toContain('the hook says no');
        expect(res.stderr).toContain(`Undone in ${repo}: 1 file(s) the landing had written (feature.txt)`);
        expect(res.stderr).toContain('Left as they are, changed there since the landing wrote them: shared.txt');
      } finally {
        rmSync(hookPath);
      }
      expect(await tip('main')).toBe(mainTip);
      expect(readFileSync(join(repo, 'journal.txt'), 'utf8')).toBe('journal\nperson edit\n');
      expect(readFileSync(join(repo, 'shared.txt'), 'utf8')).toBe('shared\nagent line\nperson line\n');
      expect(existsSync(join(repo, 'feature.txt'))).toBe(false);
      expect(existsSync(join(repo, '.git', 'MERGE_HEAD'))).toBe(false);
      // shared.txt keeps the landing's version staged under the person's edit: both are there to see.
      expect(await g(repo, ['status', '--porcelain'])).toBe(' M journal.txt\nMM shared.txt');
      // Tidy the checkout for the tests after this one.
      await g(repo, ['checkout', '-q', 'HEAD', '--', 'shared.txt', 'journal.txt']);
      expect((await cli(ts, ['kill', name, '--force'], { cwd: repo })).exitCode).toBe(0);
    });
  }
});

describe('file names that are not valid UTF-8 (item 19, part)', () => {
  it('kill archives a file whose name is Latin-1 bytes, and archive restore gives the same name and bytes back', async () => {
    await spawnAgent('nu');
    const name = Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2e, 0x74, 0x78, 0x74]); // "café.txt" in Latin-1
    const content = Buffer.from([0x00, 0xff, 0xfe, 0x0a]);
    writeFileSync(Buffer.concat([Buffer.from(`${wt('nu')}/`), name]), content);
    const res = await cli(ts, ['kill', 'nu'], { cwd: repo });
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stdout).toContain('saved 1 changed file(s) as archive nu/1');
    const restored = await cliJson<{ id: string; path: string }>(ts, ['archive', 'restore', 'nu/1'], { cwd: repo });
    const names = readdirSync(restored.path, { encoding: 'buffer' });
    const back = names.find((n) => n.equals(name));
    expect(back).toBeDefined();
    expect(readFileSync(Buffer.concat([Buffer.from(`${restored.path}/`), name]))).toEqual(content);
  });
});

describe('work inside git submodules (item 3)', () => {
  it('kill refuses to remove a worktree whose submodule has an edit, then a commit of its own, naming the submodule', async () => {
    const lib = join(ts.root, 'lib');
    await makeRepo(lib, ts.env);
    await g(repo, ['-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', lib, 'lib']);
    await g(repo, ['commit', '-q', '-m', 'lib as a submodule']);
    await spawnAgent('sm');
    await g(wt('sm'), ['-c', 'protocol.file.allow=always', 'submodule', 'update', '-q', '--init']);
    writeFileSync(join(wt('sm'), 'lib', 'README.md'), '# edited inside the submodule\n');
    const edited = await cli(ts, ['kill', 'sm'], { cwd: repo });
    expect(edited.exitCode).toBe(1);
    expect(edited.stderr).toContain('work in git submodules');
    expect(edited.stderr).toContain('lib: uncommitted changes');
    expect(readFileSync(join(wt('sm'), 'lib', 'README.md'), 'utf8')).toBe('# edited inside the submodule\n');
    await g(join(wt('sm'), 'lib'), ['commit', '-q', '-am', 'a commit only this worktree has']);
    const committed = await cli(ts, ['kill', 'sm'], { cwd: repo });
    expect(committed.exitCode).toBe(1);
    expect(committed.stderr).toContain('lib: 1 commit(s) on no remote');
    expect(existsSync(join(wt('sm'), 'lib', 'README.md'))).toBe(true);
    // Pushed to the submodule's remote, the commit is safe: the kill goes ahead.
    await g(join(wt('sm'), 'lib'), ['push', '-q', 'origin', 'HEAD:refs/heads/from-agent']);
    await g(join(wt('sm'), 'lib'), ['fetch', '-q', 'origin']);
    const res = await cli(ts, ['kill', 'sm', '--force'], { cwd: repo });
    expect(res.exitCode, res.stderr).toBe(0);
    expect(existsSync(wt('sm'))).toBe(false);
  });
});

describe('a shared worktree outlives its owner (item 7, --children keep)', () => {
  it('the child kept running inherits its parent\'s worktree, so killing the child later saves the work and removes it', async () => {
    const lead = await spawnAgent('lead');
    const helper = await cliJson<AgentRecord>(ts, ['spawn', '--parent', 'lead', '--name', 'helper', '--cmd', 'exec sleep 600'], { cwd: repo });
    expect(helper.worktree).toEqual({ path: lead.worktree!.path, mode: 'shared' });
    const res = await cli(ts, ['kill', 'lead', '--children', 'keep'], { cwd: repo });
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stdout).toContain('still used by helper; it is helper\'s now');
    expect((await agent('helper'))?.worktree).toEqual({ path: lead.worktree!.path, mode: 'new' });
    writeFileSync(join(lead.worktree!.path, 'helper-work.txt'), 'the helper\'s work\n');
    const killed = await cli(ts, ['kill', 'helper'], { cwd: repo });
    expect(killed.exitCode, killed.stderr).toBe(0);
    expect(killed.stdout).toContain('saved 1 changed file(s) as archive helper/1');
    expect(existsSync(lead.worktree!.path)).toBe(false);
  });
});

describe('git-ignored files tmuxcodex copied in (item 7)', () => {
  it('a copied .env the agent changed is saved by kill and comes back with archive restore; one left as copied is not', async () => {
    // The main checkout's .env, git-ignored: provisioning copies it into each new worktree.
    if (!(await g(repo, ['ls-files', '.gitignore'])).trim()) await commitFile(repo, '.gitignore', '.env\n', 'ignore .env');
    writeFileSync(join(repo, '.env'), 'TOKEN=for provisioning\n');
    expect((await g(repo, ['check-ignore', '.env'])).trim()).toBe('.env');
    await spawnAgent('pv');
    expect(readFileSync(join(wt('pv'), '.env'), 'utf8')).toBe('TOKEN=for provisioning\n');
    writeFileSync(join(wt('pv'), '.env'), 'TOKEN=changed by the agent\n');
    const res = await cli(ts, ['kill', 'pv'], { cwd: repo });
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stdout).toContain('saved 1 changed file(s) as archive pv/1');
    expect(await g(repo, ['show', 'refs/tmuxcodex/archive/pv/1:.env'])).toBe('TOKEN=changed by the agent');
    const restored = await cliJson<{ id: string; path: string }>(ts, ['archive', 'restore', 'pv/1'], { cwd: repo });
    expect(readFileSync(join(restored.path, '.env'), 'utf8')).toBe('TOKEN=changed by the agent\n');

    await spawnAgent('pu');
    const untouched = await cli(ts, ['kill', 'pu'], { cwd: repo });
    expect(untouched.exitCode, untouched.stderr).toBe(0);
    expect(untouched.stdout).not.toContain('saved');
  });
});
