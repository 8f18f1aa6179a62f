// A daemon context without a tmux server: a fake tmux link at the TmuxRunner seam (it records each
// command's argv words and answers with canned output), a real registry on a temp journal, and
// watcher stubs. A method then runs in milliseconds, and the test reads what it asked of tmux.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentRecord } from '../../src/core/agent.js';
import type { TmuxCommand } from '../../src/tmux/command.js';
import { TmuxCommandError } from '../../src/tmux/control/connection.js';
import { Mutex, PaneLocks } from '../../src/daemon/locks.js';
import { Registry } from '../../src/daemon/store/registry.js';
import { SpawnIntents } from '../../src/agents/spawn-intents.js';
import type { DaemonContext } from '../../src/daemon/context.js';
import type { TmuxLink } from '../../src/tmux/link.js';
import type { Watchers } from '../../src/daemon/watch/wire.js';
import { WaitingHold } from '../../src/daemon/watch/waiting-hold.js';
export { agentRecord } from './agent-record.js';

/** A canned answer: output lines, or the error tmux gives (as a TmuxCommandError). */
type Answer = string[] | { error: string };

/** The tmux link's run/connected/connect, recording commands and answering from a table of prefixes. */
export class FakeTmux {
  /** Every command run, as its argv words. */
  readonly commands: string[][] = [];
  connected = true;
  private readonly answers: Array<{ prefix: string[]; answer: Answer }> = [];

  /** Answers commands whose words start with prefix (the last rule given wins). */
  answer(prefix: string[], answer: Answer): this {
    this.answers.unshift({ prefix, answer });
    return this;
  }

  async run(command: TmuxCommand): Promise<string[]> {
    const words = [...command.words];
    this.commands.push(words);
    const rule = this.answers.find((r) => r.prefix.every((w, i) => words[i] === w));
    if (rule && 'error' in rule.answer) throw new TmuxCommandError(words.join(' '), [rule.answer.error]);
    return rule ? [...(rule.answer as string[])] : [];
  }

  async connect(): Promise<void> {}
  async close(): Promise<void> {}

  /** The commands whose first word is name. */
  named(name: string): string[][] {
    return this.commands.filter((c) => c[0] === name);
  }
}

export interface FakeDaemon {
  ctx: DaemonContext;
  tmux: FakeTmux;
  registry: Registry;
  logs: string[];
  /** Removes the temp folder. */
  dispose(): void;
}

/** A daemon context over a fake tmux, with agents already in the registry. */
export function fakeDaemon(agents: AgentRecord[] = []): FakeDaemon {
  const dir = mkdtempSync(join(tmpdir(), 'tmuxcodex-fake-daemon-'));
  const logs: string[] = [];
  const log = (m: string) => void logs.push(m);
  const registry = new Registry(join(dir, 'agents.json'));
  for (const a of agents) registry.put(a);
  const tmux = new FakeTmux();
  const resets: string[] = [];
  // Only what the methods reach for; a method that needs more fails loudly on undefined.
  const watch = {
    waitingHold: new WaitingHold(),
    transcripts: { factsFor: () => null, reset: (id: string) => void resets.push(id) },
    session: { forgetWindow: () => {}, relayoutAll: async () => {}, ready: Promise.resolve() },
    attention: { postponeFresh: () => {} },
  } as unknown as Watchers;
  const layout = { sidebarWidth: 30 } as DaemonContext['o']['layout'];
  const ctx: DaemonContext = {
    registry, link: tmux as unknown as TmuxLink, log,
    o: { server: { socketName: 'fake' }, session: 'agents', env: {}, layout, sidebar: { kind: 'argv', argv: ['sidebar'] }, log, stateDir: dir, settings: {} as DaemonContext['o']['settings'], hookDir: null },
    daemon: { version: 'test', socket: join(dir, 'sock'), tmuxSocket: join(dir, 'tmux'), tmuxVersion: '3.4', notices: () => [], requestStop: () => {}, started: Promise.resolve() },
    watch, mutex: new Mutex(), paneLocks: new PaneLocks(), intents: new SpawnIntents(join(dir, 'intents')), lastSent: new Map(), queuedAtTurns: new Map(),
    sidebar: { highlighted: null, width: 30 }, now: () => new Date('2026-01-01T00:00:00Z'),
  };
  return { ctx, tmux, registry, logs, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

