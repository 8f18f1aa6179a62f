// Two prompts held with send --when-idle for the same agent: both were let go by the same end of a
// turn, and the second, waiting only for the pane's lock, was typed right after the first had
// started the agent's next turn: mid-turn, which --when-idle promises never to do. Each held
// prompt now checks again, once it holds the pane, that no turn runs.
import { afterEach, describe, expect, it } from 'vitest';
import { send } from '../../../../src/daemon/methods/input.js';
import { agentRecord, fakeDaemon, type FakeDaemon } from '../../../helpers/fake-daemon.js';
import type { AgentRecord } from '../../../../src/core/agent.js';

let d: FakeDaemon;
afterEach(() => d.dispose());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const conv = (turns: number, at: string) => ({ startedAt: null, lastActivityAt: at, turns, compactions: 0, freshStartedAt: null, lineage: [] });

describe('send --when-idle, two prompts held at once', () => {
  it('types the second only after the turn the first started has ended', async () => {
    const a = agentRecord({ profile: 'claude', transcriptFormat: 'claude', state: 'working', conversation: conv(1, new Date(Date.now() - 60_000).toISOString()) });
    d = fakeDaemon([a]);
    const typed = () => d.tmux.commands.filter((c) => c[0] === 'send-keys' && c.includes('-l')).map((c) => c[c.length - 1]);
    const first = send(d.ctx, { agent: a.id, text: 'first job', enter: true, whenIdle: true });
    const second = send(d.ctx, { agent: a.id, text: 'second job', enter: true, whenIdle: true });
    await sleep(50);
    expect(typed()).toEqual([]);
    // the turn running ends
    d.registry.put({ ...(d.registry.get(a.id) as AgentRecord), state: 'idle', conversation: conv(1, new Date().toISOString()) });
    for (let i = 0; i < 100 && !typed().includes('first job'); i++) await sleep(10);
    expect(typed()).toEqual(['first job']);
    // the agent takes the first prompt: a new turn runs
    await sleep(20);
    d.registry.put({ ...(d.registry.get(a.id) as AgentRecord), state: 'working', conversation: conv(2, new Date(Date.now() + 5).toISOString()) });
    expect((await first).via).toBe('keys');
    await sleep(500);
    expect(typed()).toEqual(['first job']); // not typed mid-turn
    // that turn ends: now the second goes
    d.registry.put({ ...(d.registry.get(a.id) as AgentRecord), state: 'idle', conversation: conv(2, new Date(Date.now() + 10).toISOString()) });
    expect((await second).via).toBe('keys');
    expect(typed()).toEqual(['first job', 'second job']);
  }, 20_000);
});
