// Codex 0.171.0's own way to hand a running session a prompt: `codex queue --thread ID --message
// TEXT` (FORMATS.md §5.7). It writes a row into $CODEX_HOME/queue_1.sqlite in ~0.1 s, needs no
// daemon, and the session's TUI takes it as a new user turn: at once when idle, right after the
// current turn when busy, never mid-turn. No keystrokes, so nothing depends on what the TUI draws.
import { basename } from 'node:path';
import type { AgentRecord } from '../core/agent.js';
import { run } from '../proc/run.js';
import { MAX_ARG_BYTES } from './arg-limits.js';

/** How long `codex queue` may take (it takes ~0.1 s; a stuck one falls back to keys). */
const QUEUE_TIMEOUT_MS = 5000;

/**
 * The codex program an agent's pane runs, when the prompt can be queued: a Codex agent whose
 * command is Codex's CLI (the same binary, so the same queue), whose thread id is known and whose
 * rollout exists (queue refuses a thread with none: "no rollout found"), and a text that fits in
 * one argument. Null: type it.
 */
export function codexQueueProgram(agent: AgentRecord, text: string): string | null {
  if ((agent.transcriptFormat ?? agent.profile) !== 'codex' || !agent.sessionId || !agent.transcriptPath) return null;
  const program = agent.launch?.argv[0];
  if (!program || basename(program) !== 'codex') return null;
  if (!text.trim() || Buffer.byteLength(text) > MAX_ARG_BYTES) return null;
  return program;
}

/** Queues text as the next prompt of the agent's Codex thread; throws (a ProcessError) when codex refuses. */
export async function codexQueue(program: string, agent: AgentRecord, text: string, env: NodeJS.ProcessEnv): Promise<void> {
  // The agent's own environment decides CODEX_HOME, as it did for the TUI.
  await run(program, ['queue', '--thread', agent.sessionId!, '--message', text], { timeoutMs: QUEUE_TIMEOUT_MS, cwd: agent.worktree?.path ?? agent.cwd, env: { ...env, ...agent.launch?.env } });
}
