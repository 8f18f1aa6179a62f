// Spawning an agent: a pane in a managed window, its metadata in pane options, its record registered.
import { configuredClaudeModel } from './claude-model.js';
import type { AgentRecord } from '../core/agent.js';
import { PANE_META, encodeOptionValue, recordToPaneMeta, type PaneMetaKey } from '../tmux/agent-options.js';
import { defaultName, nameProblem, newAgentId } from '../core/naming.js';
import type { SpawnIntents } from './spawn-intents.js';
import { tmux, type ProgramSpec } from '../tmux/command.js';
import { NEW_PANE } from '../tmux/formats.js';
import type { PaneId, WindowId } from '../tmux/ids.js';
import { TmuxCommandError } from '../tmux/control/connection.js';
import { failure, usageError } from '../errors.js';
import type { SpawnParams } from './spawn-params.js';
import { listSessionPanes, type TmuxRunner } from './pane-query.js';
import { chooseWorktree, type Undo } from './worktree-choice.js';
import { provisionWorktree } from './provision/index.js';
import { recordProvisioned } from '../git/provisioned-files.js';
import { withSetupSteps } from './provision/run-steps.js';
import { allocatePorts, portEnv } from './ports.js';
import { agentEnv, fullAgentEnv } from './agent-env.js';
import { checkArgLimits } from './arg-limits.js';
import { chooseSlot, managedWindows, openManagedWindow, type LayoutSettings } from './windows.js';

export interface SpawnDeps {
  runner: TmuxRunner;
  session: string;
  layout: LayoutSettings;
  sidebar: ProgramSpec;
  takenNames: Set<string>;
  takenIds: Set<string>;
  /** Ports held by live agents. */
  heldPorts: Set<number>;
  /** Looks an agent up by id or name (the parent); throws a usage error when there is none. */
  parent: (ref: string) => AgentRecord;
  now: () => Date;
  log: (m: string) => void;
  /** Where a spawn writes down the worktree it is about to make (null in tests that need no crash safety). */
  intents?: SpawnIntents;
  /** The daemon's folder of agent hook files (see daemon/watch/hook-inbox.ts); none: hooks go through the CLI. */
  hookDir?: string | null;
}

/** What making a pane in the agents session needs. */
type PaneDeps = Pick<SpawnDeps, 'runner' | 'session' | 'layout' | 'sidebar' | 'hookDir'>;

export { agentEnv } from './agent-env.js';

/** Checks the name (or picks a default) before anything is created, so bad input leaves nothing behind. */
export function chooseName(params: SpawnParams, taken: Set<string>): string {
  if (params.name === null) return defaultName(params.profile, taken);
  const problem = nameProblem(params.name);
  if (problem) throw usageError('BAD_AGENT_NAME', `Agent name "${params.name}" is not allowed: ${problem}.`, 'Pick another --name.');
  if (taken.has(params.name)) throw usageError('DUPLICATE_AGENT_NAME', `An agent named "${params.name}" already exists.`, 'Pick another --name, or `tmuxcodex kill` the old one first.');
  return params.name;
}

/** Splits a new pane for the agent in a window with room (opening one if all are full). */
async function newAgentPane(deps: PaneDeps, cwd: string, program: ProgramSpec | null, env: Record<string, string>, undo: Undo): Promise<{ paneId: PaneId; windowId: WindowId }> {
  const panes = await listSessionPanes(deps.runner, deps.session);
  let slot = chooseSlot(panes, deps.layout.maxAgentsPerWindow);
  if (!slot) {
    const opened = await openManagedWindow(deps.runner, { session: deps.session, index: managedWindows(panes).size + 1, cwd, sidebar: deps.sidebar });
    undo.push(() => deps.runner.run(tmux.killWindow(opened.windowId)));
    slot = { windowId: opened.windowId, splitTarget: opened.paneId, splitHorizontally: true };
  }
  const format = NEW_PANE.template;
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
  const ids = NEW_PANE.first(out);
  if (!ids) throw failure('TMUX_UNEXPECTED', `tmux did not report the new pane (got "${out[0]}").`);
  const { paneId, windowId } = ids;
  undo.push(() => deps.runner.run(tmux.killPane(paneId)));
  return { paneId, windowId };
}

/** Takes back what a failed spawn made, last first: nothing is left half created. */
async function rollback(undo: Undo, log: (m: string) => void): Promise<void> {
  for (const step of undo.reverse()) {
    await step().catch((e) => log(`undoing a failed spawn: ${(e as Error).message}`));
  }
}

/** Spawns one agent and returns its record (not yet registered). On failure, undoes what it made. */
export async function spawnAgent(deps: SpawnDeps, params: SpawnParams): Promise<AgentRecord> {
  const asked = chooseName(params, deps.takenNames);
  // Every string here ends up in tmux, which cannot carry a NUL; some only as a stored option.
  if ([params.task, params.target, ...Object.values(params.env)].some((v) => v?.includes('\0'))) {
    throw usageError('NUL_IN_ARGUMENT', 'A NUL byte cannot be passed to tmux (in a name, task, text or path).', 'Remove the NUL byte from the input.');
  }
  checkArgLimits(params.program, params.env, params.task);
  const undo: Undo = [];
  try {
    // Run once the agent is complete (its pane carries its metadata): the spawn's intent is done.
    const finished: Array<() => void> = [];
    const chosen = await chooseWorktree(deps, params, asked, undo, finished);
    const name = chosen.name;
    let program = params.program;
    let provisioned: string[] = [];
    let background: Array<() => Promise<void>> = [];
    let clones: AgentRecord['deps'] = [];
    if (chosen.snapshotRoot && chosen.source) {
      const result = await provisionWorktree({ source: chosen.source, target: chosen.worktree.path, steps: params.setup, snapshotRoot: chosen.snapshotRoot });
      program = withSetupSteps(program, result.runSteps, params.shell);
      provisioned = result.done;
      background = result.background;
      clones = result.clones;
      // Copied files the agent changes are work: kill saves them (provisioned-files.ts).
      await recordProvisioned(chosen.worktree.path, result.copied);
    }
    const ports = await allocatePorts(params.ports, deps.heldPorts);
    const id = newAgentId(deps.takenIds);
    const env = { ...portEnv(ports), ...agentEnv(id, name, chosen.worktree.path, params.env, deps.hookDir ?? null) };
    const { paneId, windowId } = await newAgentPane(deps, chosen.worktree.path, program, env, undo);
    const record: AgentRecord = {
      id, name, profile: params.profile, paneId, windowId, session: deps.session, cwd: chosen.worktree.path,
      worktree: chosen.worktree, branch: chosen.branch, branchCreated: chosen.branchCreated, base: chosen.base, target: chosen.target,
      parentId: params.parentId ? deps.parent(params.parentId).id : null, task: params.task, createdAt: deps.now().toISOString(), sessionId: params.sessionId,
      transcriptPath: null, state: 'running', exitCode: null, ports, source: chosen.source, deps: clones,
      fix: params.fixFor ? { forAgent: deps.parent(params.fixFor.agent).id, toAll: params.fixFor.toAll, propagatedTip: null } : null,
      pr: null, context: null, contextWindow: params.contextWindow, transcriptFormat: params.transcriptFormat, launch: params.launch, conversation: null, git: null,
      // Claude's window follows from its model: the one configured, if any (else its transcript names it).
      model: params.launch && (params.transcriptFormat ?? params.profile) === 'claude' ? configuredClaudeModel(params.launch.argv, { ...process.env, ...env }, chosen.worktree.path)?.model ?? null : null,
    };
    const meta = recordToPaneMeta(record);
    await Promise.all(Object.entries(meta).map(([k, v]) =>
      deps.runner.run(tmux.setPaneOption(paneId, PANE_META[k as PaneMetaKey], encodeOptionValue(v)))));
    await deps.runner.run(tmux.setPaneTitle(paneId, name));
    if (provisioned.length) deps.log(`provisioned ${chosen.worktree.path} for ${name}: ${provisioned.join('; ')}`);
    for (const job of background) void job().catch((e) => deps.log(`preparing the next clone failed: ${(e as Error).message}`));
    for (const f of finished) f();
    return record;
  } catch (e) {
    await rollback(undo, deps.log);
    throw e;
  }
}

/**
 * Puts an agent from the journal back into a new pane (resurrect): the same id, name, worktree and
 * ports, running program; its metadata is written to the pane as spawn does.
 */
export async function reviveAgent(deps: PaneDeps & Pick<SpawnDeps, 'log'>, agent: AgentRecord, program: ProgramSpec | null): Promise<AgentRecord> {
  const undo: Undo = [];
  const cwd = agent.worktree?.path ?? agent.cwd;
  const env = fullAgentEnv(agent, cwd, deps.hookDir ?? null);
  try {
    const { paneId, windowId } = await newAgentPane(deps, cwd, program, env, undo);
    const record: AgentRecord = { ...agent, paneId, windowId, session: deps.session, state: 'running', exitCode: null, context: null };
    const meta = recordToPaneMeta(record);
    await Promise.all(Object.entries(meta).map(([k, v]) => deps.runner.run(tmux.setPaneOption(paneId, PANE_META[k as PaneMetaKey], encodeOptionValue(v)))));
    await deps.runner.run(tmux.setPaneTitle(paneId, agent.name));
    return record;
  } catch (e) {
    await rollback(undo, deps.log);
    throw e;
  }
}
