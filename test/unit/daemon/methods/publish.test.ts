// The methods that publish an agent change (setPr, signal) over a fake tmux: what goes on the pane,
// in which order against the registry, and what happens when tmux refuses.
import { afterEach, describe, expect, it } from 'vitest';
import { PANE_META, STATE_OPTION } from '../../../../src/tmux/agent-options.js';
import { setPr } from '../../../../src/daemon/methods/pr.js';
import { signal } from '../../../../src/daemon/methods/signal.js';
import { agentRecord, fakeDaemon, type FakeDaemon } from '../../../helpers/fake-daemon.js';

let d: FakeDaemon;
afterEach(() => d.dispose());

/** How many tmux commands had run when the registry announced each update. */
function commandsAtUpdates(f: FakeDaemon): number[] {
  const seen: number[] = [];
  f.registry.on('updated', () => seen.push(f.tmux.commands.length));
  return seen;
}

describe('setPr', () => {
  it('writes the pull request on the pane first, then in the registry', async () => {
    const a = agentRecord();
    d = fakeDaemon([a]);
    const at = commandsAtUpdates(d);
    const r = await setPr(d.ctx, { agent: a.name, pr: { url: 'https://example.com/pr/1', base: 'main' } });
    expect(r.agent.pr).toEqual({ url: 'https://example.com/pr/1', base: 'main' });
    expect(d.tmux.commands.map((c) => c.slice(0, 5))).toEqual([
      ['set-option', '-p', '-t', a.paneId!, PANE_META.prUrl],
      ['set-option', '-p', '-t', a.paneId!, PANE_META.prBase],
    ]);
    expect(at).toEqual([2]); // both options were on the pane before the registry changed
  });

  it('still records it when tmux refuses an option, and logs why', async () => {
    const a = agentRecord();
    d = fakeDaemon([a]);
    d.tmux.answer(['set-option'], { error: "can't find pane" });
    const r = await setPr(d.ctx, { agent: a.id, pr: { url: 'u', base: 'b' } });
    expect(r.agent.pr).toEqual({ url: 'u', base: 'b' });
    expect(d.logs.filter((l) => l.includes(PANE_META.prUrl) && l.includes(a.name) && l.includes("can't find pane"))).toHaveLength(1);
  });

  it('writes nothing on the pane of an agent that is gone', async () => {
    const a = agentRecord({ state: 'gone' });
    d = fakeDaemon([a]);
    await setPr(d.ctx, { agent: a.id, pr: { url: 'u', base: 'b' } });
    expect(d.tmux.commands).toEqual([]);
    expect(d.registry.get(a.id)?.pr).toEqual({ url: 'u', base: 'b' });
  });
});

describe('signal', () => {
  it('tells the registry first, then draws the state option', async () => {
    const a = agentRecord({ state: 'working' });
    d = fakeDaemon([a]);
    const at = commandsAtUpdates(d);
    const r = await signal(d.ctx, { agent: a.id, state: 'waiting', detail: null });
    expect(r.agent.state).toBe('waiting');
    expect(at).toEqual([0]);
    expect(d.tmux.commands).toEqual([['set-option', '-p', '-t', a.paneId!, STATE_OPTION, 'waiting']]);
  });

  it('leaves an exited agent as it is, and asks nothing of tmux for an unchanged state', async () => {
    const exited = agentRecord({ state: 'exited', exitCode: 0 });
    const idle = agentRecord({ state: 'idle' });
    d = fakeDaemon([exited, idle]);
    expect((await signal(d.ctx, { agent: exited.id, state: 'working', detail: null })).agent.state).toBe('exited');
    expect((await signal(d.ctx, { agent: idle.id, state: 'idle', detail: null })).agent.state).toBe('idle');
    expect(d.tmux.commands).toEqual([]);
  });
});
