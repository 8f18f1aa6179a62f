// Finding transcripts (FORMATS.md §1.1, §1.4, §2.1): Claude's project slug and path, the time in a
// UUIDv7, Codex rollouts in a temp CODEX_HOME with local-time date folders, and the session id a
// process holds open through its thread lock.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { join } from 'node:path';
import {
  claudeProjectSlug, claudeTranscriptPath, codexSessionFromProcesses, findCodexRollout, uuidV7Time,
} from '../../../src/transcripts/locate.js';
import { waitFor } from '../../helpers/wait-for.js';

/** Java's String.hashCode, computed here with BigInt modular arithmetic (independent of the code under test). */
function javaHash(s: string): bigint {
  const M = 1n << 32n;
  let h = 0n;
  for (let i = 0; i < s.length; i++) h = (h * 31n + BigInt(s.charCodeAt(i))) % M;
  return h >= 1n << 31n ? h - M : h;
}
const absJavaHash36 = (s: string) => { const h = javaHash(s); return (h < 0n ? -h : h).toString(36); };

let dir: string;
beforeEach(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'tmuxcodex-locate-')));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('claudeProjectSlug', () => {
  it('replaces every character outside [A-Za-z0-9] by -', () => {
    expect(claudeProjectSlug('/home/dev/h4/my_work.dir')).toBe('-home-dev-h4-my-work-dir');
    expect(claudeProjectSlug('/home/dev/work/projects/codex_demo')).toBe('-home-dev-work-projects-codex-demo');
    expect(claudeProjectSlug('/tmp/a b+c@d~e/Ünï')).toBe('-tmp-a-b-c-d-e--n-');
    expect(claudeProjectSlug('/AZaz09')).toBe('-AZaz09');
  });

  it('the reference Java hash agrees with known String.hashCode values', () => {
    expect(javaHash('')).toBe(0n);
    expect(javaHash('hello')).toBe(99162322n);
    expect(javaHash('Aa')).toBe(javaHash('BB'));
    expect(javaHash('polygenelubricants')).toBe(-2147483648n);
  });

  it('keeps a slug of exactly 200 characters as it is', () => {
    const cwd = '/' + 'a'.repeat(199);
    expect(claudeProjectSlug(cwd)).toBe('-' + 'a'.repeat(199));
  });

  it('cuts a longer one to 200 characters, then - and abs(Java hashCode(cwd)) in base 36', () => {
    const cwd = '/home/dev/' + Array.from({ length: 30 }, (_, i) => `deep_dir.${i}`).join('/');
    expect(cwd.length).toBeGreaterThan(200);
    const slug200 = cwd.replace(/[^A-Za-z0-9]/g, '-').slice(0, 200);
    const expected = `${slug200}-${absJavaHash36(cwd)}`;
    expect(claudeProjectSlug(cwd)).toBe(expected);
    // One character over the limit already takes the hashed form.
    const c201 = '/' + 'b'.repeat(200);
    expect(claudeProjectSlug(c201)).toBe(`-${'b'.repeat(199)}-${absJavaHash36(c201)}`);
  });

  it('the hash is of the cwd itself (not the slug), and its sign is dropped', () => {
    // Two paths with the same slug but different characters get different suffixes.
    const a = '/' + 'x'.repeat(150) + '/a_b/' + 'y'.repeat(100);
    const b = '/' + 'x'.repeat(150) + '/a.b/' + 'y'.repeat(100);
    expect(a.replace(/[^A-Za-z0-9]/g, '-')).toBe(b.replace(/[^A-Za-z0-9]/g, '-'));
    expect(claudeProjectSlug(a)).toBe(`${a.replace(/[^A-Za-z0-9]/g, '-').slice(0, 200)}-${absJavaHash36(a)}`);
    expect(claudeProjectSlug(b)).toBe(`${b.replace(/[^A-Za-z0-9]/g, '-').slice(0, 200)}-${absJavaHash36(b)}`);
    expect(claudeProjectSlug(a)).not.toBe(claudeProjectSlug(b));
    // Find long paths whose hash is negative, so the absolute value matters.
    const negatives = Array.from({ length: 40 }, (_, i) => `/${'n'.repeat(210)}/${i}`).filter((p) => javaHash(p) < 0n);
    expect(negatives.length).toBeGreaterThan(0);
    for (const p of negatives) expect(claudeProjectSlug(p)).toBe(`-${'n'.repeat(199)}-${(-javaHash(p)).toString(36)}`);
  });
});

describe('claudeTranscriptPath', () => {
  const ID = 'ca809c38-46a1-4ebe-9bdb-4d976a8fa14e';

  it('is CLAUDE_CONFIG_DIR/projects/<slug of the real cwd>/<id>.jsonl, through a symlink', async () => {
    const real = join(dir, 'real_project.dir');
    mkdirSync(real);
    const link = join(dir, 'link-to-project');
    symlinkSync(real, link);
    const config = join(dir, 'claude-config');
    const expectedSlug = real.replace(/[^A-Za-z0-9]/g, '-');
    expect(expectedSlug).toMatch(/-real-project-dir$/);
    const want = join(config, 'projects', expectedSlug, `${ID}.jsonl`);
    expect(await claudeTranscriptPath({ CLAUDE_CONFIG_DIR: config }, link, ID)).toBe(want);
    expect(await claudeTranscriptPath({ CLAUDE_CONFIG_DIR: config }, real, ID)).toBe(want);
    expect(await claudeTranscriptPath({ CLAUDE_CONFIG_DIR: config, HOME: '/nowhere' }, link, ID)).toBe(want);
  });

  it('without CLAUDE_CONFIG_DIR it is under HOME/.claude; a cwd that does not exist is used as it is', async () => {
    expect(await claudeTranscriptPath({ HOME: '/home/dev' }, '/home/dev/h4/my_work.dir-missing', ID))
      .toBe(`/home/dev/.claude/projects/-home-dev-h4-my-work-dir-missing/${ID}.jsonl`);
    expect(await claudeTranscriptPath({ HOME: '/home/dev', CLAUDE_CONFIG_DIR: '' }, '/nope/x', ID))
      .toBe(`/home/dev/.claude/projects/-nope-x/${ID}.jsonl`);
  });
});

describe('uuidV7Time', () => {
  // [id, its first 48 bits in ms (read by hand from the hex), the session_meta.payload.timestamp of its fixture]
  const FIXTURE_IDS: Array<[string, number, string]> = [
    ['01a2207f-6547-72f3-83f2-05ba2e29501f', 0x01a2207f6547, '2026-11-28T04:52:29.644Z'],
    ['01a2207f-520e-7f83-a817-006f4df17353', 0x01a2207f520e, '2026-11-28T04:52:24.726Z'],
    ['01a22078-bdc9-7821-be17-11197475db54', 0x01a22078bdc9, '2026-11-28T04:45:13.552Z'],
  ];

  it.each(FIXTURE_IDS)('%s carries the ms of its creation', (id, ms, metaTimestamp) => {
    expect(uuidV7Time(id)).toBe(ms);
    expect(uuidV7Time(id.toUpperCase())).toBe(ms);
    const lag = Date.parse(metaTimestamp) - ms;
    expect(lag).toBeGreaterThanOrEqual(0);
    expect(lag).toBeLessThan(1000);
  });

  it('the first fixture id is 2026-11-28T04:52:29.639Z', () => {
    expect(new Date(uuidV7Time('01a2207f-6547-72f3-83f2-05ba2e29501f')!).toISOString()).toBe('2026-11-28T04:52:29.639Z');
    expect(uuidV7Time('01a2207f-6547-72f3-83f2-05ba2e29501f')).toBe(1795841549639);
  });

  it('is null for ids that are not UUIDv7', () => {
    expect(uuidV7Time('ca809c38-46a1-4ebe-9bdb-4d976a8fa14e')).toBeNull(); // Claude's v4
    expect(uuidV7Time('11111111-2222-4333-8444-555555555555')).toBeNull();
    expect(uuidV7Time('01a2207f-6547-12f3-83f2-05ba2e29501f')).toBeNull(); // v1
    expect(uuidV7Time('not-a-uuid')).toBeNull();
    expect(uuidV7Time('')).toBeNull();
  });
});

/** A UUIDv7 made at ms. */
function uuidv7(ms: number): string {
  const t = ms.toString(16).padStart(12, '0');
  const r = randomBytes(8).toString('hex');
  return `${t.slice(0, 8)}-${t.slice(8, 12)}-7${r.slice(0, 3)}-8${r.slice(3, 6)}-${r.slice(4, 16)}`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * Writes a rollout as Codex does: sessions/YYYY/MM/DD/rollout-YYYY-MM-DDThh-mm-ss-<id>.jsonl in LOCAL
 * time, its first line a (big) session_meta with the cwd. Returns its path and id.
 */
function writeRollout(home: string, created: number, cwd: string, opts: { id?: string; firstLine?: string } = {}): { path: string; id: string } {
  const id = opts.id ?? uuidv7(created);
  const d = new Date(created);
  const folder = join(home, 'sessions', String(d.getFullYear()), pad(d.getMonth() + 1), pad(d.getDate()));
  mkdirSync(folder, { recursive: true });
  const name = `rollout-${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}-${pad(d.getMinutes())}-${pad(d.getSeconds())}-${id}.jsonl`;
  const path = join(folder, name);
  const meta = {
    timestamp: new Date(created + 900).toISOString(), ordinal: 0, type: 'session_meta',
    payload: { session_id: id, id, timestamp: new Date(created + 5).toISOString(), cwd, originator: 'codex-tui', cli_version: '0.171.0', source: 'cli', base_instructions: { text: 'i'.repeat(22_000) } },
  };
  const first = opts.firstLine ?? JSON.stringify(meta) + '\n';
  writeFileSync(path, first + JSON.stringify({ timestamp: meta.timestamp, ordinal: 1, type: 'event_msg', payload: { type: 'task_started', model_context_window: 190000 } }) + '\n');
  return { path, id };
}

describe('findCodexRollout', () => {
  let home: string;
  let cwdA: string;
  let cwdB: string;
  let since: number;
  const none = new Set<string>();

  beforeEach(() => {
    home = join(dir, 'codex-home');
    cwdA = join(dir, 'work_a');
    cwdB = join(dir, 'work_b');
    mkdirSync(home);
    mkdirSync(cwdA);
    mkdirSync(cwdB);
    since = Date.now() - 10 * 60_000;
  });

  it('picks the rollout of the right cwd, in the local-time date folder', async () => {
    const b = writeRollout(home, since + 1000, cwdB);
    const a = writeRollout(home, since + 2000, cwdA);
    expect(await findCodexRollout({ home, cwd: cwdA, since, claimed: none, sessionId: null })).toEqual({ path: a.path, sessionId: a.id });
    expect(await findCodexRollout({ home, cwd: cwdB, since, claimed: none, sessionId: null })).toEqual({ path: b.path, sessionId: b.id });
    const d = new Date(since + 2000);
    expect(a.path.startsWith(join(home, 'sessions', String(d.getFullYear()), pad(d.getMonth() + 1), pad(d.getDate())))).toBe(true);
  });

  it('a FIFO named like a rollout is skipped, never opened (an open would wait forever for a writer)', async () => {
    const fifo = writeRollout(home, since + 1000, cwdB);
    rmSync(fifo.path);
    await execa('mkfifo', [fifo.path]);
    const a = writeRollout(home, since + 2000, cwdA);
    // In a child: the blocked open would otherwise hold one of this test process's few fs threads for good.
    const module = fileURLToPath(new URL('../../../dist/transcripts/locate.js', import.meta.url));
    const child = `const { findCodexRollout } = await import(process.argv[1]);
      console.log(JSON.stringify(await findCodexRollout({ home: process.argv[2], cwd: process.argv[3], since: Number(process.argv[4]), claimed: new Set(), sessionId: null })));`;
    const res = await execa(process.execPath, ['--input-type=module', '-e', child, module, home, cwdA, String(since)], { timeout: 10_000, reject: false });
    expect(res.timedOut).toBe(false);
    expect(JSON.parse(res.stdout)).toEqual({ path: a.path, sessionId: a.id });
  });

  it('matches the cwd through a symlink', async () => {
    const link = join(dir, 'link-a');
    symlinkSync(cwdA, link);
    const a = writeRollout(home, since + 1000, cwdA);
    expect(await findCodexRollout({ home, cwd: link, since, claimed: none, sessionId: null })).toEqual({ path: a.path, sessionId: a.id });
  });

  it('ignores rollouts created before since (by the time in the id)', async () => {
    writeRollout(home, since - 60_000, cwdA);
    writeRollout(home, since - 5 * 60_000, cwdA);
    expect(await findCodexRollout({ home, cwd: cwdA, since, claimed: none, sessionId: null })).toBeNull();
    const fresh = writeRollout(home, since + 3000, cwdA);
    expect(await findCodexRollout({ home, cwd: cwdA, since, claimed: none, sessionId: null })).toEqual({ path: fresh.path, sessionId: fresh.id });
  });

  it('picks the earliest matching one, whatever order the files were written in', async () => {
    const later = writeRollout(home, since + 9000, cwdA);
    const earliest = writeRollout(home, since + 1000, cwdA);
    const middle = writeRollout(home, since + 5000, cwdA);
    expect(await findCodexRollout({ home, cwd: cwdA, since, claimed: none, sessionId: null })).toEqual({ path: earliest.path, sessionId: earliest.id });
    // Claimed ids are skipped: the earliest unclaimed one is taken.
    expect(await findCodexRollout({ home, cwd: cwdA, since, claimed: new Set([earliest.id]), sessionId: null })).toEqual({ path: middle.path, sessionId: middle.id });
    expect(await findCodexRollout({ home, cwd: cwdA, since, claimed: new Set([earliest.id, middle.id]), sessionId: null })).toEqual({ path: later.path, sessionId: later.id });
    expect(await findCodexRollout({ home, cwd: cwdA, since, claimed: new Set([earliest.id, middle.id, later.id]), sessionId: null })).toBeNull();
  });

  it('accepts an explicit session id, and only that one', async () => {
    const first = writeRollout(home, since + 1000, cwdA);
    const second = writeRollout(home, since + 2000, cwdA);
    expect(await findCodexRollout({ home, cwd: cwdA, since, claimed: none, sessionId: second.id })).toEqual({ path: second.path, sessionId: second.id });
    expect(await findCodexRollout({ home, cwd: cwdA, since, claimed: none, sessionId: second.id.toUpperCase() })).toEqual({ path: second.path, sessionId: second.id });
    // The id a pane's processes hold wins even over the cwd and the claims of others.
    expect(await findCodexRollout({ home, cwd: cwdB, since, claimed: new Set([first.id]), sessionId: first.id })).toEqual({ path: first.path, sessionId: first.id });
    expect(await findCodexRollout({ home, cwd: cwdA, since, claimed: none, sessionId: uuidv7(since + 3000) })).toBeNull();
  });

  it('finds a resumed session by its id in the folder of the day it was created, days before since', async () => {
    const created = Date.now() - 5 * 86_400_000;
    const { path, id } = writeRollout(home, created, dir);
    expect(await findCodexRollout({ home, cwd: dir, since: Date.now(), claimed: new Set(), sessionId: id })).toEqual({ path, sessionId: id });
  });

  it('returns null when there is nothing to find', async () => {
    expect(await findCodexRollout({ home: join(dir, 'no-such-home'), cwd: cwdA, since, claimed: none, sessionId: null })).toBeNull();
    expect(await findCodexRollout({ home, cwd: cwdA, since, claimed: none, sessionId: null })).toBeNull();
    writeRollout(home, since + 1000, cwdB);
    const d = new Date(since + 1000);
    const folder = join(home, 'sessions', String(d.getFullYear()), pad(d.getMonth() + 1), pad(d.getDate()));
    writeFileSync(join(folder, 'notes.txt'), 'not a rollout');
    writeFileSync(join(folder, `rollout-no-id.jsonl`), '{}\n');
    expect(await findCodexRollout({ home, cwd: cwdA, since, claimed: none, sessionId: null })).toBeNull();
  });

  it('passes over a rollout whose session_meta is not complete yet, and takes it once it is', async () => {
    const id = uuidv7(since + 1000);
    const torn = writeRollout(home, since + 1000, cwdA, { id, firstLine: '{"timestamp":"x","type":"session_meta","payload":{"id":"' });
    writeFileSync(torn.path, '{"timestamp":"x","type":"session_meta","payload":{"id":"');
    expect(await findCodexRollout({ home, cwd: cwdA, since, claimed: none, sessionId: null })).toBeNull();
    rmSync(torn.path);
    const whole = writeRollout(home, since + 1000, cwdA, { id });
    expect(await findCodexRollout({ home, cwd: cwdA, since, claimed: none, sessionId: null })).toEqual({ path: whole.path, sessionId: id });
  });

  it('looks in the date folders from the day of since to today (an agent spawned days ago)', async () => {
    const longAgo = Date.now() - 3 * 86_400_000;
    const old = writeRollout(home, longAgo + 60_000, cwdA);
    expect(await findCodexRollout({ home, cwd: cwdA, since: longAgo, claimed: none, sessionId: null })).toEqual({ path: old.path, sessionId: old.id });
  });
});

describe('codexSessionFromProcesses', () => {
  let home: string;
  const children: ChildProcess[] = [];

  beforeEach(() => {
    home = join(dir, 'codex-home');
    mkdirSync(join(home, 'thread-writer-locks'), { recursive: true });
  });
  afterEach(async () => {
    for (const c of children.splice(0)) {
      if (c.exitCode !== null || c.signalCode !== null) continue;
      const gone = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL');
      await gone;
    }
  });

  /** A child node process that opens path (creating it) and holds it open; resolves once it says so. */
  async function holdOpen(path: string): Promise<ChildProcess> {
    const script = "const fs = require('fs'); fs.openSync(process.argv[1], 'a'); process.stdout.write('ready\\n'); setInterval(() => {}, 1 << 30);";
    const child = spawn(process.execPath, ['-e', script, path], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
    await waitFor(() => {
      if (child.exitCode !== null) throw new Error(`child exited: ${err}`);
      return out.includes('ready');
    }, { timeoutMs: 10_000, what: 'the child to hold the file open' });
    return child;
  }

  it('finds the id of the thread lock a child holds open, from its pid or an ancestor', async () => {
    const id = uuidv7(Date.now());
    const child = await holdOpen(join(home, 'thread-writer-locks', `${id}.lock`));
    expect(await codexSessionFromProcesses(child.pid!, home)).toBe(id);
    expect(await codexSessionFromProcesses(process.pid, home)).toBe(id);
  });

  it('finds the id of a rollout a child holds open', async () => {
    const created = Date.now();
    const { path, id } = writeRollout(home, created, dir);
    const child = await holdOpen(path);
    expect(await codexSessionFromProcesses(child.pid!, home)).toBe(id);
  });

  it('finds it through a symlinked CODEX_HOME (/proc shows real paths), and not under a sibling folder whose name extends it', async () => {
    const id = uuidv7(Date.now());
    await holdOpen(join(home, 'thread-writer-locks', `${id}.lock`));
    const link = join(dir, 'codex-link');
    symlinkSync(home, link);
    expect(await codexSessionFromProcesses(process.pid, link)).toBe(id);
    // home + "x" is another folder: its locks are not this home's.
    mkdirSync(join(`${home}x`, 'thread-writer-locks'), { recursive: true });
    const other = uuidv7(Date.now());
    await holdOpen(join(`${home}x`, 'thread-writer-locks', `${other}.lock`));
    rmSync(join(home, 'thread-writer-locks'), { recursive: true, force: true });
    for (const c of children.slice(0, 1)) c.kill('SIGKILL');
    await waitFor(() => children[0]!.exitCode !== null || children[0]!.signalCode !== null, { what: 'the first holder to exit' });
    expect(await codexSessionFromProcesses(process.pid, home)).toBeNull();
  });

  it('is null when the processes hold nothing of this CODEX_HOME', async () => {
    const other = join(dir, 'other-home');
    mkdirSync(join(other, 'thread-writer-locks'), { recursive: true });
    const id = uuidv7(Date.now());
    const child = await holdOpen(join(other, 'thread-writer-locks', `${id}.lock`));
    expect(await codexSessionFromProcesses(child.pid!, home)).toBeNull();
    expect(await codexSessionFromProcesses(child.pid!, other)).toBe(id);
    // A file under home that is neither a lock nor a rollout.
    const plain = await holdOpen(join(home, 'history.jsonl'));
    expect(await codexSessionFromProcesses(plain.pid!, home)).toBeNull();
  });

  it('is null for a pid that does not exist', async () => {
    // pid_max is at most 4194304 on Linux.
    expect(await codexSessionFromProcesses(4_194_305, home)).toBeNull();
  });
});
