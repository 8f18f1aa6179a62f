// An agent's pane from outside: focus, send (typed or pasted text, then Enter), capture.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentRecord } from '../../core/agent.js';
import { keyLikeCharacter } from '../../core/send-text.js';
import { tmux } from '../../tmux/command.js';
import { TmuxCommandError } from '../../tmux/control/connection.js';
import { failure, usageError } from '../../errors.js';
import { ensureSubmitted, waitTextDrawn } from '../../agents/submit-check.js';
import { adapterFor } from '../../transcripts/adapters.js';
import type { DaemonContext } from '../context.js';
import type { Params, Result } from '../protocol.js';
import type { PaneId } from '../../tmux/ids.js';
import type { ClientConn } from '../server.js';
import { codexQueue, codexQueueProgram } from '../../agents/codex-queue.js';
import { betweenTurns, untilTurnEnds } from './when-idle.js';
import { ProcessError } from '../../proc/run.js';
import { panePid } from '../store/pane-pid.js';
import { codexHome, codexSessionFromProcesses } from '../../transcripts/locate.js';

/** Text longer than this (or with a newline) is pasted rather than typed. */
const PASTE_ABOVE = 2000;
/** How long send keeps pressing Enter into an agent CLI that has not taken the prompt yet (its start-up). */
const SUBMIT_DEADLINE_MS = 30_000;
/** How long send waits for an agent CLI to draw the typed text before it presses Enter anyway. */
const SUBMIT_DRAWN_MS = 3_000;

/** The live pane of an agent, or a clear error if it has none. */
function livePane(ctx: DaemonContext, ref: string): { agent: AgentRecord; paneId: PaneId } {
  const agent = ctx.registry.resolve(ref);
  if (!agent.paneId || agent.state === 'gone') throw usageError('AGENT_GONE', `Agent "${agent.name}" has no pane any more.`, `Remove it with \`tmuxcodex kill ${agent.name}\`.`);
  return { agent, paneId: agent.paneId };
}

/** Selects the agent's window and pane. */
export async function focus(ctx: DaemonContext, p: Params<'focus'>): Promise<Result<'focus'>> {
  const { agent, paneId } = livePane(ctx, p.agent);
  if (agent.windowId) await ctx.link.run(tmux.selectWindow(agent.windowId));
  await ctx.link.run(tmux.selectPane(paneId));
  return { agent };
}

/**
 * Gives an agent a prompt: a Codex agent's through `codex queue` (taken between turns, no keys),
 * else (or with keys, or to answer a dialog while it waits for the person) typed, then Enter. With whenIdle, a typed prompt waits for the end of the current turn.
 * Sends to one pane run one at a time, so they never interleave.
 */
export async function send(ctx: DaemonContext, p: Params<'send'>, client?: ClientConn): Promise<Result<'send'>> {
  const { agent, paneId } = livePane(ctx, p.agent);
  // A dialog on screen (waiting for the person) is answered with keys: a queued "y" would wait for the turn's end.
  if (p.enter && !p.keys && agent.state !== 'exited' && agent.state !== 'waiting') {
    const queued = await viaQueue(ctx, agent, p.text);
    if (queued) return queued;
  }
  if (!p.whenIdle) return ctx.paneLocks.run(paneId, () => sendNow(ctx, p));
  // Held prompts let go by the same end of a turn each wait for the pane: the one typed first starts
  // the next turn, so each checks again, holding the pane, and else waits for that turn's end too.
  for (;;) {
    await untilTurnEnds(ctx, ctx.registry.get(agent.id) ?? agent, client);
    const sent = await ctx.paneLocks.run(paneId, async () => {
      const now = ctx.registry.get(agent.id);
      return !now || betweenTurns(ctx, now) ? sendNow(ctx, p) : null;
    });
    if (sent) return sent;
  }
}

/** Queues the prompt with `codex queue` when the agent's CLI has one; null when it has not or it failed (then keys, logged). */
async function viaQueue(ctx: DaemonContext, agent: AgentRecord, text: string): Promise<Result<'send'> | null> {
  const program = codexQueueProgram(agent, text);
  if (!program) return null;
  // A --no-daemon TUI holds its thread's lock: one that holds another thread (after /new) would never
  // take a prompt queued for the old one. (With Codex's daemon the pane holds none; the daemon runs it.)
  const pid = await panePid(ctx.link, agent, ctx.log);
  const held = pid ? await codexSessionFromProcesses(pid, codexHome({ ...ctx.o.env, ...agent.launch?.env })) : null;
  if (held && held.toLowerCase() !== agent.sessionId?.toLowerCase()) {
    ctx.log(`send to ${agent.name}: its pane runs Codex thread ${held}, not ${agent.sessionId ?? '?'}; typing the text instead of queueing it`);
    return null;
  }
  const sentAt = Date.now();
  try {
    await codexQueue(program, agent, text, ctx.o.env);
  } catch (e) {
    // Killed at the time limit, it may have written its row already: typing the text too would
    // give the agent the prompt twice. Only a queue that said no (or never ran) falls back to keys.
    if (e instanceof ProcessError && e.timedOut) {
      ctx.log(`send to ${agent.name}: codex queue timed out; the prompt may be queued, so it was not typed`);
      throw failure('QUEUE_UNCERTAIN', `\`codex queue\` did not finish in time for agent "${agent.name}": the prompt may or may not have been queued, so it was not typed as well.`, `Look at the agent (\`tmuxcodex capture ${agent.name}\`) once its turn has ended; send again only if the prompt did not arrive (--keys types it instead).`, e);
    }
    ctx.log(`send to ${agent.name}: codex queue failed (${(e as Error).message}); typing the text instead`);
    return null;
  }
  ctx.lastSent.set(agent.id, sentAt);
  ctx.queuedAtTurns.set(agent.id, agent.conversation?.turns ?? 0);
  return { agent, via: 'queue' };
}

/** send's work, once the pane's lock is held (the agent is looked up again: it may have gone meanwhile). */
async function sendNow(ctx: DaemonContext, p: Params<'send'>): Promise<Result<'send'>> {
  const { agent, paneId } = livePane(ctx, p.agent);
  if (agent.state === 'exited') throw usageError('AGENT_EXITED', `Agent "${agent.name}" has exited (status ${agent.exitCode ?? '?'}); nothing reads its input.`, 'Spawn it again, or `tmuxcodex kill` it.');
  // ESC and the other control characters would act as keys (ESC [201~ even ends a bracketed paste).
  const control = keyLikeCharacter(p.text);
  if (control) throw usageError('CONTROL_CHARACTER', `The text holds a control character (0x${control.code.toString(16).padStart(2, '0')}) at position ${control.index}, which would act as a key press in the agent; nothing was sent.`, 'Send plain text: letters, tabs and newlines (a carriage return is Enter: use newlines, and no --no-enter if it should be submitted).');
  // Taken before the text goes in: an agent that reads line by line can answer during the paste,
  // and its answer must count as after the send (else wait --idle would wait for a turn already done).
  const sentAt = Date.now();
  if (p.text.includes('\n') || p.text.length > PASTE_ABOVE) await paste(ctx, agent.id, paneId, p.text);
  else if (p.text.length) await ctx.link.run(tmux.sendText(paneId, p.text));
  if (p.enter) { ctx.lastSent.set(agent.id, sentAt); ctx.queuedAtTurns.delete(agent.id); }
  if (p.enter) {
    // Codex takes text followed at once by Enter as a paste and does not submit it (agent-tuis.md):
    // an agent CLI gets the Enter once it has drawn the text (in a read of its own), else after a pause.
    const agentCli = adapterFor(agent.transcriptFormat ?? agent.profile) !== null;
    if (p.text.length && agentCli && !p.text.includes('\n')) await waitTextDrawn(ctx.link, paneId, p.text, SUBMIT_DRAWN_MS);
    if (p.text.length) await new Promise((r) => setTimeout(r, 120));
    await ctx.link.run(tmux.sendEnter(paneId)).catch((e) => {
      if (e instanceof TmuxCommandError && /can't find pane/.test(e.message)) throw failure('AGENT_GONE', `Agent "${agent.name}"'s pane went away while the text was being given to it.`, 'It was killed or exited meanwhile: `tmuxcodex list` shows it.');
      throw e;
    });
    // An agent CLI still starting keeps the text but drops the Enter (src/agents/submit-check.ts).
    // A turn already running queues the prompt: nothing to check then.
    if (p.text.trim() && agent.state !== 'working' && agentCli) {
      // An agent no longer known (killed meanwhile) needs no more Enter presses.
      const taken = () => { try { return Date.parse(ctx.registry.resolve(agent.id).conversation?.lastActivityAt ?? '') >= sentAt; } catch { return true; } };
      await ensureSubmitted(ctx.link, paneId, p.text, { deadlineMs: SUBMIT_DEADLINE_MS, taken });
    }
  }
  return { agent, via: 'keys' };
}

/**
 * Gives a pane text as one paste (bracketed when its program asked for that): newlines do not
 * submit line by line, and 1 MB goes in one piece. The text travels through a private file, not
 * the control connection's command line.
 */
async function paste(ctx: DaemonContext, agentId: string, paneId: PaneId, text: string): Promise<void> {
  const dir = join(ctx.o.stateDir, 'paste');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `${agentId}-${process.pid}-${Date.now()}.txt`);
  writeFileSync(file, text, { mode: 0o600 });
  try {
    const buffer = `tmuxcodex-${agentId}`;
    await ctx.link.run(tmux.loadBuffer(buffer, file));
    await ctx.link.run(tmux.pasteBuffer(buffer, paneId));
  } finally {
    rmSync(file, { force: true });
  }
}

/** The text on an agent's screen (and lines of its history), trailing blank lines dropped. */
export async function capture(ctx: DaemonContext, p: Params<'capture'>): Promise<Result<'capture'>> {
  const { paneId } = livePane(ctx, p.agent);
  const lines = await ctx.link.run(tmux.capturePane(paneId, p.lines));
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return { text: lines.join('\n') };
}
