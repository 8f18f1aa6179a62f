// Commands that act on one agent or list them: list, kill, focus, send, capture, wait.
import type { Command, CommandContext } from '../command.js';
import { flag, str } from '../command.js';
import { existsSync, readFileSync } from 'node:fs';
import { decodeUtf8 } from '../../fs/utf8.js';
import { resolve } from 'node:path';
import { TmuxcodexError, usageError } from '../../errors.js';
import type { AgentRecord } from '../../core/agent.js';
import { statusSegment } from '../../core/status.js';
import { treeOrder } from '../../core/tree.js';
import type { KillResult } from '../../daemon/protocol.js';
import { age, escapeControl, printJson, table } from '../output.js';
import { contextText, fixBlockedText, gitLine, prLabel } from '../../ui/git-line.js';
import { switchToPane } from '../session-attach.js';
import { daemonForAgent, daemonIfAgents, sayNoAgents } from '../read-only.js';

/** The single AGENT positional, or a usage error. */
/** The AGENT positional (name or id), with extra more positionals allowed after it. */
export function agentArg(ctx: CommandContext, extra = 0): string {
  const ref = ctx.positionals[0];
  if (!ref) throw usageError('MISSING_AGENT', 'Which agent? Give its name or id.', 'Run `tmuxcodex list` to see them.');
  if (ctx.positionals.length > 1 + extra) throw usageError('TOO_MANY_ARGS', `Unexpected argument "${ctx.positionals[1 + extra]}".`, 'Quote text that contains spaces.');
  return ref;
}

function stateText(a: AgentRecord): string {
  const state = a.state === 'exited' ? `exited(${a.exitCode ?? '?'})` : a.state;
  // A worktree folder deleted by hand: the program may still run, but it works nowhere.
  return worktreeMissing(a) ? `${state}, worktree deleted` : state;
}

/** True if the agent's own worktree folder (on this machine) no longer exists. */
function worktreeMissing(a: AgentRecord): boolean {
  return a.state !== 'gone' && a.worktree !== null && a.worktree.mode !== 'shared' && !existsSync(a.worktree.path);
}

export const list: Command = {
  name: 'list',
  aliases: ['ls'],
  usage: 'list',
  summary: 'one row per agent: name, id, profile, state, pane, branch → target, context used, git, pull request, port, age, folder',
  options: {},
  async run(ctx) {
    const client = await daemonIfAgents(ctx);
    if (!client) {
      sayNoAgents(ctx);
      return ctx.json ? printJson({ agents: [] }) : void process.stdout.write('no agents\n');
    }
    const res = await client.request('list', {});
    client.close();
    // A daemon running on its defaults because the config is broken says so at every look.
    for (const n of res.notices ?? []) process.stderr.write(`tmuxcodex: notice: ${escapeControl(n)}\n`);
    if (ctx.json) return printJson(res);
    if (!res.agents.length) return void process.stdout.write('no agents (start one with: tmuxcodex spawn)\n');
    // Grouped by worktree: agents that share one (an integrator and its helpers) sit together.
    const byWorktree = new Map<string, AgentRecord[]>();
    for (const a of res.agents) byWorktree.set(a.worktree?.path ?? a.cwd, [...(byWorktree.get(a.worktree?.path ?? a.cwd) ?? []), a]);
    const rows: string[][] = [];
    for (const [path, group] of byWorktree) {
      // Children under their parent, indented: who spawned whom.
      for (const { agent: a, depth } of treeOrder(group)) rows.push([`${'  '.repeat(Math.max(0, depth - 1))}${depth ? '↳ ' : ''}${a.name}`, a.id, a.profile, stateText(a), a.paneId ?? '-', a.branch ? `${a.branch} → ${a.target ?? 'default'}` : '-', contextText(a.context), [a.git ? gitLine(a.git) : '-', fixBlockedText(a)].filter(Boolean).join('; '), a.pr ? prLabel(a.pr.url) : '-', a.ports[0] ? String(a.ports[0]) : '-', age(a.createdAt), `${path} (${a.worktree?.mode ?? 'shared'})`]);
    }
    process.stdout.write(table(['NAME', 'ID', 'PROFILE', 'STATE', 'PANE', 'BRANCH → TARGET', 'CTX', 'GIT', 'PR', 'PORT', 'AGE', 'WORKTREE'], rows));
  },
};

/** What a kill (or merge, or clean) did with an agent's work, worktree and branch, for people. */
export function teardownLines(res: KillResult, forced = false): string[] {
  const lines: string[] = [];
  if (res.archive) lines.push(`  saved ${res.archive.files} changed file(s) as archive ${res.archive.id} (${res.archive.ref}); bring them back with: tmuxcodex archive restore ${res.archive.id}`);
  if (res.removed.worktree) lines.push(`  removed worktree ${res.removed.worktree}`);
  if (res.removed.branch) lines.push(`  deleted branch ${res.removed.branch}${forced ? '' : ' (merged into its target)'}`);
  else if (res.removed.worktree && res.agent.branch) lines.push(`  kept branch ${res.agent.branch} (not merged into ${res.agent.target ?? 'its target'}; --force deletes it)`);
  if (res.kept) lines.push(`  kept the worktree: ${res.kept}`);
  return lines;
}

/** Asks on the terminal what to do with an agent's children: kill, keep, or nothing. */
async function askChildren(message: string): Promise<'kill' | 'keep' | null> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = (await rl.question(`${message}\nStop them too (k), keep them running (p), or cancel (Enter)? `)).trim().toLowerCase();
    return answer === 'k' ? 'kill' : answer === 'p' ? 'keep' : null;
  } finally {
    rl.close();
  }
}

export const kill: Command = {
  name: 'kill',
  usage: 'kill AGENT [--keep-worktree] [--force] [--children kill|keep]',
  summary: 'stop an agent and close its pane',
  options: {
    'keep-worktree': { type: 'boolean', help: 'leave the agent\'s worktree in place' },
    force: { type: 'boolean', help: 'also when its branch is not merged' },
    children: { type: 'string', arg: 'kill|keep', help: 'its live child agents: stop them too, or keep them running (asked on a terminal)' },
  },
  async run(ctx) {
    const agent = agentArg(ctx);
    let children = str(ctx, 'children');
    if (children !== null && children !== 'kill' && children !== 'keep') throw usageError('BAD_CHILDREN', `--children takes kill or keep, not "${children}".`);
    const client = await daemonForAgent(ctx, agent);
    const request = () => client.request('kill', { agent, force: flag(ctx, 'force'), keepWorktree: flag(ctx, 'keep-worktree'), children: children as 'kill' | 'keep' | null });
    let res;
    try {
      res = await request();
    } catch (e) {
      // A person at a terminal is asked; a script (--json, no terminal) gets the refusal.
      if (!(e instanceof TmuxcodexError && e.code === 'CHILDREN_RUNNING') || ctx.json || !process.stdin.isTTY) throw e;
      children = await askChildren(e.message);
      if (!children) return 1;
      res = await request();
    }
    client.close();
    if (ctx.json) return printJson(res);
    const lines: string[] = [];
    for (const c of res.children ?? []) lines.push(`killed ${c.agent.name} (${c.agent.id}), a child of ${res.agent.name}`, ...teardownLines(c, flag(ctx, 'force')));
    lines.push(`killed ${res.agent.name} (${res.agent.id})`, ...teardownLines(res, flag(ctx, 'force')));
    process.stdout.write(escapeControl(lines.join('\n') + '\n', true));
  },
};

/** Live agents in the sidebar's order (oldest first), as the keys 1-9 count them. */
function inOrder(agents: readonly AgentRecord[]): AgentRecord[] {
  return agents.filter((a) => a.state !== 'gone' && a.paneId).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** The agent focus means: named, the N-th, or the next one waiting for the person after the current pane's. */
async function focusTarget(ctx: CommandContext, client: Awaited<ReturnType<CommandContext['daemon']>>): Promise<string> {
  const index = ctx.options.index as number | undefined;
  if (!flag(ctx, 'waiting') && index === undefined) return agentArg(ctx);
  if (ctx.positionals.length) throw usageError('TOO_MANY_ARGS', 'Give an AGENT, --index N or --waiting, not more than one.');
  const agents = inOrder((await client.request('list', {})).agents);
  if (index !== undefined) {
    const a = agents[index - 1];
    if (!Number.isInteger(index) || index < 1 || !a) throw usageError('NO_SUCH_AGENT_INDEX', `There is no agent number ${index} (there are ${agents.length}).`, 'tmuxcodex list shows them, oldest first.');
    return a.id;
  }
  const waiting = agents.filter((a) => a.state === 'waiting');
  if (!waiting.length) throw usageError('NONE_WAITING', 'No agent is waiting for you.', 'Agents show as waiting once `tmuxcodex hooks install` lets them say so.');
  // The next one after the agent in this pane, round the list: pressing again visits each in turn.
  const here = agents.findIndex((a) => a.paneId === ctx.env.TMUX_PANE);
  return (waiting.find((a) => agents.indexOf(a) > here) ?? waiting[0]!).id;
}

export const focus: Command = {
  name: 'focus',
  usage: 'focus AGENT | --index N | --waiting',
  summary: 'select the agent\'s window and pane (and switch to it when run inside tmux)',
  options: {
    index: { type: 'number', arg: 'N', help: 'the N-th agent, oldest first (the keys 1-9)' },
    waiting: { type: 'boolean', help: 'the next agent waiting for you' },
  },
  async run(ctx) {
    const client = await ctx.daemon();
    const res = await client.request('focus', { agent: await focusTarget(ctx, client) });
    client.close();
    if (res.agent.paneId) await switchToPane(ctx.target.server, res.agent.paneId, ctx.env);
    if (ctx.json) printJson(res);
  },
};

export const statusSegmentCommand: Command = {
  name: 'status-segment',
  usage: 'status-segment',
  summary: 'print the status-bar text (agents by state, who is waiting, the fullest context) for other status bars',
  options: {},
  async run(ctx) {
    const client = await ctx.daemon({ autostart: false }).catch(() => null);
    if (!client) return;
    const { agents } = await client.request('list', {});
    client.close();
    process.stdout.write(statusSegment(agents) + '\n');
  },
};

/** The text to send: TEXT, --file F, or standard input when TEXT is "-". */
async function sendText(ctx: CommandContext): Promise<string> {
  const given = ctx.positionals[1];
  const file = str(ctx, 'file');
  if (given !== undefined && file !== null) throw usageError('TEXT_TWICE', 'Give the text either as TEXT or with --file, not both.');
  if (file !== null) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(resolve(ctx.cwd, file));
    } catch (e) {
      throw usageError('TEXT_FILE_UNREADABLE', `Cannot read ${file}: ${(e as Error).message}`);
    }
    return decodeUtf8(bytes, `The file ${file}`);
  }
  if (given === '-') {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return decodeUtf8(Buffer.concat(chunks), 'Standard input');
  }
  if (given === undefined) throw usageError('MISSING_TEXT', 'send needs the TEXT to type (or --file F, or - for standard input).', 'Example: tmuxcodex send a1 "run the tests"');
  return given;
}

export const send: Command = {
  name: 'send',
  usage: 'send AGENT TEXT|- [--file F] [--no-enter] [--when-idle] [--keys]',
  summary: 'give the agent TEXT (multi-line text as one paste), then Enter',
  options: {
    'no-enter': { type: 'boolean', help: 'give the text without pressing Enter' },
    file: { type: 'string', arg: 'F', help: 'send the contents of file F' },
    'when-idle': { type: 'boolean', help: 'hold the text until the agent\'s current turn ends (a Codex agent\'s queue does this itself)' },
    keys: { type: 'boolean', help: 'type the text even where codex queue could take it (to answer what is on the screen)' },
  },
  async run(ctx) {
    const agent = agentArg(ctx, 1);
    const text = await sendText(ctx);
    const client = await daemonForAgent(ctx, agent);
    const res = await client.request('send', { agent, text, enter: !flag(ctx, 'no-enter'), whenIdle: flag(ctx, 'when-idle'), keys: flag(ctx, 'keys') });
    client.close();
    if (ctx.json) printJson(res);
  },
};

export const capture: Command = {
  name: 'capture',
  usage: 'capture AGENT [--lines N]',
  summary: 'print the agent\'s screen and the last N lines of its history',
  options: { lines: { type: 'number', arg: 'N', help: 'lines of history above the screen (default 0)' } },
  async run(ctx) {
    const lines = (ctx.options.lines as number | undefined) ?? 0;
    if (!Number.isInteger(lines) || lines < 0) throw usageError('BAD_NUMBER', `--lines needs a whole number of 0 or more, not ${lines}.`);
    const agent = agentArg(ctx);
    const client = await daemonForAgent(ctx, agent);
    const res = await client.request('capture', { agent, lines });
    client.close();
    if (ctx.json) printJson(res);
    else process.stdout.write(res.text + '\n');
  },
};

export const wait: Command = {
  name: 'wait',
  usage: 'wait AGENT --idle|--waiting|--exit [--any-status] [--timeout SEC]',
  summary: 'wait until the agent has finished what it was last sent, waits for you, or exits; exit 0 when it did, 1 on timeout, 3 when it ended first, 4 when --exit saw a non-zero exit status',
  options: {
    exit: { type: 'boolean', help: 'wait for the agent\'s process to exit' },
    idle: { type: 'boolean', help: 'wait until the agent has finished its turn (idle, or waiting for you): Codex and Claude agents' },
    waiting: { type: 'boolean', help: 'wait until the agent waits for you (a permission prompt; see hooks install)' },
    timeout: { type: 'number', arg: 'SEC', help: 'give up after SEC seconds' },
    'any-status': { type: 'boolean', help: 'with --exit: exit 0 whatever the agent\'s exit status (else a non-zero status is exit code 4)' },
  },
  async run(ctx) {
    const agent = agentArg(ctx);
    if (flag(ctx, 'any-status') && !flag(ctx, 'exit')) throw usageError('ANY_STATUS_WITHOUT_EXIT', '--any-status goes with --exit only.', 'Example: tmuxcodex wait a1 --exit --any-status');
    const chosen = (['idle', 'waiting', 'exit'] as const).filter((c) => flag(ctx, c));
    if (chosen.length !== 1) throw usageError('MISSING_CONDITION', 'wait needs one condition: --idle, --waiting or --exit.', 'Example: tmuxcodex wait a1 --idle --timeout 600');
    const timeout = ctx.options.timeout as number | undefined;
    // Node timers hold at most 2^31-1 ms (about 24 days); a longer one would fire at once.
    if (timeout !== undefined && !(timeout > 0 && timeout * 1000 <= 2 ** 31 - 1)) throw usageError('BAD_NUMBER', `--timeout needs a number of seconds from 0 to 2147483 (about 24 days), not ${timeout}.`);
    const client = await daemonForAgent(ctx, agent);
    const res = await client.request('wait', { agent, until: chosen[0]!, timeoutMs: timeout === undefined ? null : Math.round(timeout * 1000) });
    client.close();
    // The agent's own exit status, when it exited: a script waiting with --exit must tell success from failure.
    const exitCode = res.agent.state === 'exited' ? res.agent.exitCode : null;
    if (ctx.json) printJson({ ...res, exitCode });
    else process.stdout.write(escapeControl(res.timedOut ? `timed out; ${res.agent.name} is ${res.agent.state}\n` : `${res.agent.name} ${stateText(res.agent)}\n`, true));
    if (res.timedOut) return 1;
    if (!res.reached) return 3;
    return chosen[0] === 'exit' && !flag(ctx, 'any-status') && exitCode !== null && exitCode !== 0 ? 4 : 0;
  },
};
