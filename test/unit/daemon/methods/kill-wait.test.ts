// kill and wait over a fake tmux: a kill's commands, intent and registry; wait's ends.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { kill } from '../../../../src/daemon/methods/kill.js';
import { wait } from '../../../../src/daemon/methods/wait.js';
import type { ClientConn } from '../../../../src/daemon/server.js';
import { TmuxcodexError } from '../../../../src/errors.js';
import { agentRecord, fakeDaemon, type FakeDaemon } from '../../../helpers/fake-daemon.js';

let d: FakeDaemon;
afterEach(() => d.dispose());

/** A client connection that hangs up when told to. */
function client(): ClientConn & { hangUp(): void } {
  let hangUp!: () => void;
  const closed = new Promise<void>((r) => (hangUp = r));
  return { socket: null as never, authed: true, subscribed: false, closed, hangUp };
}

describe('kill', () => {
  it('kills the pane, forgets the agent and leaves no intent behind', async () => {
    const a = agentRecord();
    d = fakeDaemon([a]);
    d.tmux.connected = false; // no window to close: nothing is listed
    const r = await kill(d.ctx, { agent: a.name, force: false, keepWorktree: false });
    expect(r.agent.state).toBe('gone');
    expect(d.tmux.commands).toEqual([['kill-pane', '-t', a.paneId!]]);
    expect(d.registry.get(a.id)).toBeUndefined();
    const intents = join(d.ctx.o.stateDir, 'kills');
    expect(existsSync(intents) ? readdirSync(intents) : []).toEqual([]);
  });

  it('a pane tmux no longer has is already what a kill wants', async () => {
    const a = agentRecord();
    d = fakeDaemon([a]);
    d.tmux.connected = false;
    d.tmux.answer(['kill-pane'], { error: "can't find pane" });
    await kill(d.ctx, { agent: a.id, force: false, keepWorktree: false });
    expect(d.registry.get(a.id)).toBeUndefined();
  });

  it('refuses a parent with live children unless told what becomes of them', async () => {
    const parent = agentRecord();
    const child = agentRecord({ parentId: parent.id });
    d = fakeDaemon([parent, child]);
    d.tmux.connected = false;
    const e = await kill(d.ctx, { agent: parent.id, force: false, keepWorktree: false }).catch((err: unknown) => err);
    expect((e as TmuxcodexError).code).toBe('CHILDREN_RUNNING');
    expect(d.tmux.commands).toEqual([]);
    const r = await kill(d.ctx, { agent: parent.id, force: false, keepWorktree: false, children: 'kill' });
    expect(r.children?.map((c) => c.agent.name)).toEqual([child.name]);
    expect(d.tmux.commands).toEqual([['kill-pane', '-t', child.paneId!], ['kill-pane', '-t', parent.paneId!]]);
    expect(d.registry.all()).toEqual([]);
  });
});

describe('wait', () => {
  it('--exit answers once the agent exits with its status', async () => {
    const a = agentRecord({ state: 'working' });
    d = fakeDaemon([a]);
    const waiting = wait(d.ctx, { agent: a.id, until: 'exit', timeoutMs: null }, client());
    d.registry.patch(a.id, { state: 'exited', exitCode: 3 });
    const r = await waiting;
    expect(r).toMatchObject({ timedOut: false, reached: true, agent: { state: 'exited', exitCode: 3 } });
  });

  it('times out, and ends when the client hangs up', async () => {
    const a = agentRecord({ state: 'working' });
    d = fakeDaemon([a]);
    expect(await wait(d.ctx, { agent: a.id, until: 'exit', timeoutMs: 20 }, client())).toMatchObject({ timedOut: true, reached: false });
    const c = client();
    const waiting = wait(d.ctx, { agent: a.id, until: 'exit', timeoutMs: null }, c);
    c.hangUp();
    expect(await waiting).toMatchObject({ timedOut: true });
  });

  it('refuses --idle for an agent whose turns it cannot see', async () => {
    const a = agentRecord();
    d = fakeDaemon([a]);
    const e = await wait(d.ctx, { agent: a.id, until: 'idle', timeoutMs: null }, client()).catch((err: unknown) => err);
    expect((e as TmuxcodexError).code).toBe('NO_IDLE_STATE');
  });
});
