import { describe, expect, it } from 'vitest';
import { codexQueueProgram } from '../../../src/agents/codex-queue.js';
import { agentRecord } from '../../helpers/fake-daemon.js';

const THREAD = '01a24dda-7cfc-7872-8858-f9fe235cef18';
const codexAgent = (over: Parameters<typeof agentRecord>[0] = {}) => agentRecord({
  profile: 'codex', transcriptFormat: 'codex', sessionId: THREAD, transcriptPath: `/h/sessions/2026/12/07/rollout-x-${THREAD}.jsonl`,
  launch: { argv: ['/opt/clis/node_modules/.bin/codex', '--no-daemon'], taskPrefix: ['--'], env: {} }, ...over,
});

describe('codexQueueProgram', () => {
  it('queues through the codex the agent runs, once its thread has a rollout', () => {
    expect(codexQueueProgram(codexAgent(), 'run the tests')).toBe('/opt/clis/node_modules/.bin/codex');
    expect(codexQueueProgram(codexAgent(), 'two\nlines')).toBe('/opt/clis/node_modules/.bin/codex');
  });

  it('types instead: no thread or rollout yet, another program, Claude, empty text, text over one argument', () => {
    expect(codexQueueProgram(codexAgent({ sessionId: null }), 'x')).toBeNull();
    expect(codexQueueProgram(codexAgent({ transcriptPath: null }), 'x')).toBeNull();
    expect(codexQueueProgram(codexAgent({ launch: { argv: ['node', 'fake-agent.mjs'], taskPrefix: null, env: {} } }), 'x')).toBeNull();
    expect(codexQueueProgram(codexAgent({ transcriptFormat: 'claude', profile: 'claude' }), 'x')).toBeNull();
    expect(codexQueueProgram(codexAgent(), '  ')).toBeNull();
    expect(codexQueueProgram(codexAgent(), 'é'.repeat(70_000))).toBeNull();
  });
});
