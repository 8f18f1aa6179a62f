// focus, send and capture over a fake tmux: the commands each gives, and what each refuses.
import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { capture, focus, send } from '../../../../src/daemon/methods/input.js';
import { TmuxcodexError } from '../../../../src/errors.js';
import { agentRecord, fakeDaemon, type FakeDaemon } from '../../../helpers/fake-daemon.js';
import { windowId } from '../../../../src/tmux/ids.js';

let d: FakeDaemon;
afterEach(() => d.dispose());

/** The error code a promise rejects with. */
async function codeOf(p: Promise<unknown>): Promise<string> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(TmuxcodexError);
  return (e as TmuxcodexError).code;
}

describe('send', () => {
  it('types a line into a shell agent, then presses Enter', async () => {
    const a = agentRecord();
    d = fakeDaemon([a]);
    await send(d.ctx, { agent: a.name, text: 'echo hi', enter: true });
    expect(d.tmux.commands).toEqual([
      ['send-keys', '-t', a.paneId!, '-l', '--', 'echo hi'],
      ['send-keys', '-t', a.paneId!, 'Enter'],
    ]);
    expect(d.ctx.lastSent.has(a.id)).toBe(true);
  });

  it('pastes text with a newline through a buffer instead of typing it', async () => {
    const a = agentRecord();
    d = fakeDaemon([a]);
    await send(d.ctx, { agent: a.id, text: 'one\ntwo', enter: false });
    expect(d.tmux.commands.map((c) => c[0])).toEqual(['load-buffer', 'paste-buffer']);
    expect(d.ctx.lastSent.has(a.id)).toBe(false);
  });

  it('refuses a control character, an exited agent and a gone one without asking tmux anything', async () => {
    const live = agentRecord();
    const exited = agentRecord({ state: 'exited', exitCode: 1 });
    const gone = agentRecord({ state: 'gone' });
    d = fakeDaemon([live, exited, gone]);
    expect(await codeOf(send(d.ctx, { agent: live.id, text: 'a\x1b[201~b', enter: true }))).toBe('CONTROL_CHARACTER');
    expect(await codeOf(send(d.ctx, { agent: exited.id, text: 'hi', enter: true }))).toBe('AGENT_EXITED');
    expect(await codeOf(send(d.ctx, { agent: gone.id, text: 'hi', enter: true }))).toBe('AGENT_GONE');
    expect(d.tmux.commands).toEqual([]);
  });

  it("says the agent went away when its pane is gone at the Enter", async () => {
    const a = agentRecord();
    d = fakeDaemon([a]);
    d.tmux.answer(['send-keys', '-t', a.paneId!, 'Enter'], { error: `can't find pane: ${a.paneId}` });
    expect(await codeOf(send(d.ctx, { agent: a.id, text: '', enter: true }))).toBe('AGENT_GONE');
  });
});

describe('send to a Codex agent', () => {
  const THREAD = '01a24dda-7cfc-7872-8858-f9fe235cef18';
  /** A `codex` that records its arguments and CODEX_HOME, as a stand-in for Codex's queue command. */
  function fakeCodex(): { program: string; calls: () => string[][]; dispose: () => void } {
    const dir = mkdtempSync(join(tmpdir(), 'tmuxcodex-fake-codex-'));
    const program = join(dir, 'codex');
    writeFileSync(program, `#!/bin/sh\nprintf '%s\\n' "$CODEX_HOME" "$@" >> ${JSON.stringify(join(dir, 'calls'))}\necho ---- >> ${JSON.stringify(join(dir, 'calls'))}\n`);
    chmodSync(program, 0o755);
    const calls = () => { try { return readFileSync(join(dir, 'calls'), 'utf8').split('----\n').filter(Boolean).map((c) => c.trimEnd().split('\n')); } catch { return []; } };
    return { program, calls, dispose: () => rmSync(dir, { recursive: true, force: true }) };
  }

  it('queues the prompt through the codex the agent runs, in its CODEX_HOME, and types nothing', async () => {
    const codex = fakeCodex();
    try {
      const a = agentRecord({ profile: 'codex', transcriptFormat: 'codex', sessionId: THREAD, transcriptPath: '/h/rollout.jsonl', conversation: { startedAt: null, lastActivityAt: null, turns: 3, compactions: 0, freshStartedAt: null, lineage: [] }, launch: { argv: [codex.program, '--no-daemon'], taskPrefix: ['--'], env: { CODEX_HOME: '/h' } } });
      d = fakeDaemon([a]);
      expect((await send(d.ctx, { agent: a.id, text: 'run the tests', enter: true })).via).toBe('queue');
      expect(codex.calls()).toEqual([['/h', 'queue', '--thread', THREAD, '--message', 'run the tests']]);
      expect(d.tmux.commands.filter((c) => c[0] === 'send-keys')).toEqual([]);
      // wait --idle waits for the queued prompt's own turn (the fourth).
      expect(d.ctx.queuedAtTurns.get(a.id)).toBe(3);
    } finally {
      codex.dispose();
    }
  });
});

describe('send to a Codex agent whose codex queue hangs', () => {
  // `codex queue` that wrote its row and then hung (a busy sqlite, a loaded machine) was killed at
  // the time limit and the prompt then typed as well: the agent got it twice. A queue that timed
  // out may have queued: send now says so instead of typing.
  it('does not type a prompt the timed-out queue may already hold', async () => {
    const THREAD = '01a24dda-7cfc-7872-8858-f9fe235cef18';
    const dir = mkdtempSync(join(tmpdir(), 'tmuxcodex-slow-codex-'));
    const program = join(dir, 'codex');
    writeFileSync(program, `#!/bin/sh\necho queued >> ${JSON.stringify(join(dir, 'rows'))}\nexec sleep 30\n`);
    chmodSync(program, 0o755);
    try {
      const a = agentRecord({ profile: 'codex', transcriptFormat: 'codex', sessionId: THREAD, transcriptPath: '/h/rollout.jsonl', launch: { argv: [program], taskPrefix: ['--'], env: { CODEX_HOME: '/h' } } });
      d = fakeDaemon([a]);
      const outcome = await send(d.ctx, { agent: a.id, text: 'run the tests', enter: true }).then((r) => r.via, (e: unknown) => (e as TmuxcodexError).code);
      expect(readFileSync(join(dir, 'rows'), 'utf8')).toBe('queued\n');
      expect(d.tmux.commands.filter((c) => c[0] === 'send-keys' || c[0] === 'paste-buffer')).toEqual([]);
      expect(outcome).toBe('QUEUE_UNCERTAIN');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});

describe('capture and focus', () => {
  it('capture drops the trailing blank lines of the screen', async () => {
    const a = agentRecord();
    d = fakeDaemon([a]);
    d.tmux.answer(['capture-pane'], ['$ echo hi', 'hi', '', '']);
    expect(await capture(d.ctx, { agent: a.id, lines: 10 })).toEqual({ text: '$ echo hi\nhi' });
    expect(d.tmux.commands).toEqual([['capture-pane', '-p', '-J', '-t', a.paneId!, '-S', '-10']]);
  });

  it('focus selects the window, then the pane', async () => {
    const a = agentRecord({ windowId: windowId('@7') });
    d = fakeDaemon([a]);
    await focus(d.ctx, { agent: a.id });
    expect(d.tmux.commands).toEqual([['select-window', '-t', '@7'], ['select-pane', '-t', a.paneId!]]);
  });
});
