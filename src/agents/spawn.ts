// Spawning an agent: a pane in a managed window, its metadata in pane options, its record registered.
import { PANE_META, encodeOptionValue, recordToPaneMeta, type AgentRecord, type PaneMetaKey } from '../core/agent.js';
import { defaultName, nameProblem, newAgentId } from '../core/naming.js';
import { tmux, type ProgramSpec } from '../tmux/command.js';
import { TmuxCommandError } from '../tmux/control/connection.js';
import { failure, usageError } from '../errors.js';
import type { SpawnParams } from '../daemon/protocol.js';
import { listSessionPanes, type TmuxRunner } from './pane-query.js';
import { resolveWorktree } from './worktree-choice.js';
import { chooseSlot, managedWindows, openManagedWindow, type LayoutSettings } from './windows.js';

export interface SpawnDeps {
  runner: TmuxRunner;
  session: string;
  layout: LayoutSettings;
  sidebar: ProgramSpec;
  takenNames: Set<string>;
  takenIds: Set<string>;
  now: () => Date;
}

/** The environment every agent pane gets, so agents (and their tools) know who they are. */
export function agentEnv(id: string, name: string, worktree: string, extra: Record<string, string>): Record<string, string> {
  return { ...extra, TMUXCODEX_AGENT_ID: id, TMUXCODEX_AGENT_NAME: name, TMUXCODEX_WORKTREE: worktree };
}

/** Checks the name (or picks a default) before anything is created, so bad input leaves nothing behind. */
export function chooseName(params: SpawnParams, taken: Set<string>): string {
  if (params.name === null) return defaultName(params.profile, taken);
  const problem = nameProblem(params.name);
  if (problem) throw usageError('BAD_AGENT_NAME', `Agent name "${params.name}" is not allowed: ${problem}.`, 'Pick another --name.');
  if (taken.has(params.name)) throw usageError('DUPLICATE_AGENT_NAME', `An agent named "${params.name}" already exists.`, 'Pick another --name, or `tmuxcodex kill` the old one first.');
  return params.name;
}

/** Splits a new pane for the agent in a window with room (opening one if all are full). */
async function newAgentPane(deps: SpawnDeps, cwd: string, program: ProgramSpec | null, env: Record<string, string>): Promise<{ paneId: string; windowId: string }> {
  const panes = await listSessionPanes(deps.runner, deps.session);
  let slot = chooseSlot(panes, deps.layout.maxAgentsPerWindow);
  if (!slot) {
    const opened = await openManagedWindow(deps.runner, { session: deps.session, index: managedWindows(panes).size + 1, cwd, sidebar: deps.sidebar });
    slot = { windowId: opened.windowId, splitTarget: opened.paneId, splitHorizontally: true };
  }
  const format = '#{pane_id} #{window_id}';
  const target = slot.splitTarget;
  const split = (horizontal: boolean) => deps.runner.run(tmux.splitWindow({ target, cwd, horizontal, program: program ?? undefined, env, format }));
  let out: string[];
  try {
    out = await split(slot.splitHorizontally);
  } catch (e) {
    if (!(e instanceof TmuxCommandError)) throw e;
    // A small pane may have no room one way but room the other.
    try {
      out = await split(!slot.splitHorizontally);
    } catch {
      throw failure('WINDOW_TOO_SMALL', `tmux could not make room for another pane: ${e.message}`, 'Make the terminal larger, or lower layout.maxAgentsPerWindow so agents spread over more windows.');
    }
  }
  const [paneId, windowId] = (out[0] ?? '').split(' ');
  if (!paneId || !windowId) throw failure('TMUX_UNEXPECTED', `tmux did not report the new pane (got "${out[0]}").`);
  return { paneId, windowId };
}

/** Spawns one agent and returns its record (not yet registered). */
export async function spawnAgent(deps: SpawnDeps, params: SpawnParams): Promise<AgentRecord> {
  const name = chooseName(params, deps.takenNames);
  const { worktree, branch } = await resolveWorktree(params.worktree);
  const id = newAgentId(deps.takenIds);
  const env = agentEnv(id, name, worktree.path, params.env);
  const { paneId, windowId } = await newAgentPane(deps, worktree.path, params.program, env);
  const record: AgentRecord = {
    id, name, profile: params.profile, paneId, windowId, session: deps.session, cwd: worktree.path,
    worktree, branch, base: params.base, target: params.target,
    parentId: params.parentId, task: params.task, createdAt: deps.now().toISOString(), sessionId: null,
    transcriptPath: null, state: 'running', exitCode: null, context: null, git: null,
  };
  const meta = recordToPaneMeta(record);
  await Promise.all(Object.entries(meta).map(([k, v]) =>
    deps.runner.run(tmux.setPaneOption(paneId, PANE_META[k as PaneMetaKey], encodeOptionValue(v)))));
  await deps.runner.run(tmux.setPaneTitle(paneId, name));
  return record;
}
