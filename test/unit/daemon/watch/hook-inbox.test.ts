// The daemon's hook inbox (daemon/hook-inbox.ts) against what a hostile or broken agent can leave
// in its events file: real files, a real FIFO (mkfifo), real symlinks and folders, fs.watch.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HookInbox, type HookSignal } from '../../../../src/daemon/watch/hook-inbox.js';
import { waitFor } from '../../../helpers/wait-for.js';

const A = 'aaaa1111';
const B = 'bbbb2222';
const STOP = 'claude\tStop\t\n';

let dir: string;
let inbox: HookInbox | null = null;
let signals: HookSignal[];
let logged: string[];

beforeEach(() => {
  dir = join(mkdtempSync(join(tmpdir(), 'tmuxcodex-inbox-')), 'key.hooks');
  signals = [];
  logged = [];
});
afterEach(() => {
  inbox?.close();
  inbox = null;
  rmSync(join(dir, '..'), { recursive: true, force: true });
});

function start(): HookInbox {
  inbox = new HookInbox(dir, (s) => signals.push(s), (m) => logged.push(m));
  return inbox;
}

describe('HookInbox', () => {
  it('reads the line after one holding bytes that are not UTF-8 (a message cut mid-character by head -c)', async () => {
    const file = start().open(A);
    // "é" is C3 A9; head -c 4000 can keep the C3 alone: the byte count must not drift from it.
    // The next line is still being written when the first is read.
    appendFileSync(file, Buffer.concat([Buffer.from('claude\tNotification\t{"message":"caf'), Buffer.from([0xc3]), Buffer.from('\nclaude\tSt')]));
    await waitFor(() => signals.length === 1, { what: 'the notification' });
    appendFileSync(file, 'op\t\n');
    await waitFor(() => signals.length === 2, { what: 'the Stop after it' });
    expect(signals[1]).toEqual({ agent: A, state: 'idle', detail: null });
  });

  it('drops a line longer than it reads at once, and goes on with the next ones', async () => {
    const file = start().open(A);
    appendFileSync(file, `claude\tNotification\t{"message":"${'x'.repeat(3 << 20)}"}\n`);
    appendFileSync(file, STOP);
    await waitFor(() => signals.some((s) => s.state === 'idle'), { what: 'the Stop after a 3 MB line' });
    appendFileSync(file, 'claude\tPreToolUse\t\n');
    await waitFor(() => signals.some((s) => s.state === 'working'), { what: 'the next event' });
    expect(signals.filter((s) => s.state === 'waiting')).toEqual([]);
  });

  it('reads a file replaced or emptied from its start: the first event written after is not lost', async () => {
    const file = start().open(A);
    appendFileSync(file, `claude\tNotification\t{"message":"${'m'.repeat(500)}"}\n`);
    await waitFor(() => signals.length === 1, { what: 'the long notification' });
    rmSync(file);
    appendFileSync(file, STOP); // a new file, shorter than what was read of the old one
    await waitFor(() => signals.length === 2, { what: 'the Stop in the new file' });
    writeFileSync(file, ''); // emptied in place, then one event
    appendFileSync(file, 'claude\tPreToolUse\t\n');
    await waitFor(() => signals.length === 3, { what: 'the event after the file was emptied' });
    expect(signals.map((s) => s.state)).toEqual(['waiting', 'idle', 'working']);
  });

  it('events from before it opened the file are stale, an unfinished last line too; the next event is read', async () => {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const file = join(dir, `${A}.events`);
    writeFileSync(file, 'claude\tPreToolUse\t\nclaude\tNotifica'); // a hook killed mid-line before this daemon
    start().open(A);
    appendFileSync(file, 'tion\t\n'); // were it read, this would finish the stale line
    appendFileSync(file, STOP);
    await waitFor(() => signals.length >= 1, { what: 'the Stop' });
    expect(signals).toEqual([{ agent: A, state: 'idle', detail: null }]);
  });

  it('ignores files of names that are no agent it opened, and keeps nothing for them', async () => {
    start().open(A);
    for (let i = 0; i < 2000; i++) writeFileSync(join(dir, `junk${i}.events`), STOP);
    writeFileSync(join(dir, 'worker.events'), STOP);
    appendFileSync(join(dir, `${A}.events`), STOP);
    await waitFor(() => signals.length >= 1, { what: 'the real agent\'s event' });
    expect(signals).toEqual([{ agent: A, state: 'idle', detail: null }]);
    expect((inbox as unknown as { offsets: Map<string, number> }).offsets.size).toBe(1);
  });

  it('never reads through a symlink put in place of an events file', async () => {
    const file = start().open(A);
    const outside = join(dir, '..', 'outside.txt');
    writeFileSync(outside, STOP.repeat(3));
    rmSync(file, { force: true });
    symlinkSync(outside, file);
    appendFileSync(join(dir, `${A}.events`), STOP); // through the link, as a hook would
    const other = inbox!.open(B);
    appendFileSync(other, STOP);
    await waitFor(() => signals.some((s) => s.agent === B), { what: 'the other agent\'s event' });
    expect(signals.filter((s) => s.agent === A)).toEqual([]);
  });

  it('a folder in place of an events file: nothing read, and removing the agent does not throw', async () => {
    const file = start().open(A);
    mkdirSync(file);
    writeFileSync(join(file, 'x'), STOP);
    expect(() => inbox!.remove(A)).not.toThrow();
    appendFileSync(inbox!.open(B), STOP);
    await waitFor(() => signals.some((s) => s.agent === B), { what: 'the other agent\'s event' });
    expect(signals.filter((s) => s.agent === A)).toEqual([]);
  });
});

// A FIFO at an events file would block a plain open() for reading until someone writes to it,
// freezing the daemon's whole event loop: this runs the inbox in a child so a freeze shows as a
// missing line rather than a hung test run.
describe('HookInbox and a FIFO', () => {
  const CHILD = `
    const { HookInbox } = await import(process.argv[1]);
    const inbox = new HookInbox(process.argv[2], (s) => console.log(JSON.stringify(s)), (m) => console.error(m));
    inbox.open(process.argv[3]); inbox.open(process.argv[4]);
    console.log('ready');`;
  let child: ChildProcess | null = null;
  afterEach(() => { child?.kill('SIGKILL'); child = null; });

  it('does not block on a FIFO put in place of an events file: the other agents\' events still come', async () => {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const module = fileURLToPath(new URL('../../../../dist/daemon/watch/hook-inbox.js', import.meta.url));
    child = spawn(process.execPath, ['--input-type=module', '-e', CHILD, module, dir, A, B], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    await waitFor(() => out.includes('ready'), { what: 'the inbox to start' });
    await execa('mkfifo', [join(dir, `${A}.events`)]);
    appendFileSync(join(dir, `${B}.events`), STOP);
    await waitFor(() => out.includes(`"agent":"${B}"`), { what: 'the other agent\'s event', timeoutMs: 3000 });
    expect(out).not.toContain(`"agent":"${A}"`);
  });
});
