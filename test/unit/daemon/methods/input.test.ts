// focus, send and capture over a fake tmux: the commands each gives, and what each refuses.
import { afterEach, describe, expect, it } from 'vitest';
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
