// What the watchers found, published over a fake tmux: the pane options a transcript update sets,
// before the registry hears of it, and an exited agent keeping its state.
import { afterEach, describe, expect, it } from 'vitest';
import { CONTEXT_OPTION, PANE_META, STATE_OPTION } from '../../../../src/tmux/agent-options.js';
import { depsMadePrivate, transcriptUpdated } from '../../../../src/daemon/watch/changes.js';
import type { TranscriptUpdate } from '../../../../src/daemon/watch/transcript-watch.js';
import { agentRecord, fakeDaemon, type FakeDaemon } from '../../../helpers/fake-daemon.js';

let d: FakeDaemon;
afterEach(() => d.dispose());

const update = (over: Partial<TranscriptUpdate> = {}): TranscriptUpdate => ({
  sessionId: 's-1', transcriptPath: '/t/s-1.jsonl', model: null, state: 'working',
  context: { usedTokens: 5000, windowTokens: 200000, percent: 2.5, updatedAt: '2026-01-01T00:00:00Z' },
  conversation: { startedAt: '2026-01-01T00:00:00Z', lastActivityAt: '2026-01-01T00:00:01Z', turns: 1, compactions: 0, freshStartedAt: null, lineage: [] },
  ...over,
});

describe('transcriptUpdated', () => {
  it('sets session, transcript, context and state on the pane, then patches the registry', async () => {
    const a = agentRecord({ state: 'starting', profile: 'claude' });
    d = fakeDaemon([a]);
    const seen: number[] = [];
    d.registry.on('updated', () => seen.push(d.tmux.commands.length));
    await transcriptUpdated(d.ctx, d.ctx.watch.waitingHold, a.id, update());
    expect(d.tmux.commands.map((c) => c[4])).toEqual([PANE_META.sessionId, PANE_META.transcript, CONTEXT_OPTION, STATE_OPTION]);
    expect(d.tmux.commands[2]![5]).toBe('3%');
    expect(seen).toEqual([4]);
    expect(d.registry.get(a.id)).toMatchObject({ state: 'working', sessionId: 's-1', context: { percent: 2.5 } });
  });

  it('an exited agent keeps its state, and a gone one gets nothing on a pane', async () => {
    const exited = agentRecord({ state: 'exited', exitCode: 0 });
    const gone = agentRecord({ state: 'gone' });
    d = fakeDaemon([exited, gone]);
    await transcriptUpdated(d.ctx, d.ctx.watch.waitingHold, exited.id, update());
    await transcriptUpdated(d.ctx, d.ctx.watch.waitingHold, gone.id, update());
    expect(d.registry.get(exited.id)?.state).toBe('exited');
    expect(d.registry.get(gone.id)?.state).toBe('gone');
    expect(d.tmux.commands.every((c) => c[3] === exited.paneId && c[4] !== STATE_OPTION)).toBe(true);
  });
});

describe('depsMadePrivate', () => {
  it('writes the folders on the pane and in the registry', async () => {
    const a = agentRecord();
    d = fakeDaemon([a]);
    await depsMadePrivate(d.ctx, a.id, [{ dir: 'node_modules', key: 'private' }]);
    expect(d.tmux.commands).toEqual([['set-option', '-p', '-t', a.paneId!, PANE_META.deps, 'node_modules=private']]);
    expect(d.registry.get(a.id)?.deps).toEqual([{ dir: 'node_modules', key: 'private' }]);
  });
});
