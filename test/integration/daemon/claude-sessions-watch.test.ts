// The sessions-folder watcher against real files and real processes: a Claude process found by the
// session id its file names, or by running inside the agent's pane (here: a child of this test,
// whose process stands for the pane's); never a `claude -p` (entrypoint sdk-cli) or a dead process.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { ClaudeSessionsWatcher, type SessionsReport } from '../../../src/daemon/watch/claude-sessions-watch.js';
import { agentRecord } from '../../helpers/fake-daemon.js';
import { waitFor } from '../../helpers/wait-for.js';

const cleanups: Array<() => void> = [];
afterEach(() => { for (const c of cleanups.splice(0)) c(); });

/** A watcher over a fresh CLAUDE_CONFIG_DIR, one Claude agent whose pane is this process, and what it reports. */
function setup() {
  const root = mkdtempSync(join(tmpdir(), 'tmuxcodex-ccsessions-'));
  const dir = join(root, 'sessions');
  const agent = agentRecord({ profile: 'claude', transcriptFormat: 'claude', sessionId: '11111111-2222-4333-8444-555555555555' });
  const reports: SessionsReport[] = [];
  const w = new ClaudeSessionsWatcher(() => [agent], async () => process.pid, { CLAUDE_CONFIG_DIR: root }, (r) => reports.push(r), () => {});
  cleanups.push(() => { w.close(); rmSync(root, { recursive: true, force: true }); });
  /** Writes <pid>.json as Claude 2.1.332 does (one rename). */
  const write = (pid: number, fields: Record<string, unknown>) => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${pid}.json.tmp`), JSON.stringify({ pid, kind: 'interactive', entrypoint: 'cli', statusUpdatedAt: Date.now(), ...fields }));
    renameSync(join(dir, `${pid}.json.tmp`), join(dir, `${pid}.json`));
  };
  return { agent, reports, w, write };
}

/** A live process that is a child of this one (so it runs "in the pane"). */
function child(): ChildProcess {
  const c = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  cleanups.push(() => c.kill());
  return c;
}

describe('ClaudeSessionsWatcher', () => {
  it('reports the status of the file naming the agent\'s session, busy as working, once the folder appears', async () => {
    const { agent, reports, w, write } = setup();
    w.sync(); // no folder yet: looked for again shortly
    const c = child();
    write(c.pid!, { sessionId: agent.sessionId, status: 'busy' });
    await waitFor(() => reports.some((r) => r.state === 'working'), { timeoutMs: 8000, what: 'working reported' });
    write(c.pid!, { sessionId: agent.sessionId, status: 'waiting', waitingFor: 'permission prompt' });
    await waitFor(() => reports.some((r) => r.state === 'waiting' && r.waitingFor === 'permission prompt'), { what: 'waiting reported' });
    expect(reports.every((r) => r.agentId === agent.id)).toBe(true);
  });

  it('takes a TUI in the agent\'s pane under another session id, but not a claude -p there, nor a dead process', async () => {
    const { agent, reports, w, write } = setup();
    const sdk = child();
    const tui = child();
    write(process.pid + 1_000_000, { sessionId: agent.sessionId, status: 'waiting', waitingFor: 'dialog open' }); // no such process
    write(sdk.pid!, { sessionId: 'aaaaaaaa-2222-4333-8444-555555555555', entrypoint: 'sdk-cli', status: 'busy' });
    w.sync();
    write(tui.pid!, { sessionId: 'bbbbbbbb-2222-4333-8444-555555555555', status: 'idle' });
    await waitFor(() => reports.length > 0, { what: 'the TUI in the pane reported' });
    // Read once by the folder's first read and perhaps again by its watch: the same report each time.
    expect(reports.map((r) => [r.agentId, r.state])).toEqual(reports.map(() => [agent.id, 'idle']));
  });
});
