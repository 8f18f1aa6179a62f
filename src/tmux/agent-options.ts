// The pane-option codec: an agent record stored in @tmuxcodex-* pane options and read back. tmux is
// the source of truth for live agents, so this is how a daemon restart rebuilds its registry.
import type { AgentRecord } from '../core/agent.js';
import type { PaneId, WindowId } from './ids.js';

/** The pane options that carry an agent's metadata; tmux is the source of truth for live agents. */
export const PANE_META = {
  id: '@tmuxcodex-id',
  name: '@tmuxcodex-name',
  profile: '@tmuxcodex-profile',
  branch: '@tmuxcodex-branch',
  worktree: '@tmuxcodex-worktree',
  worktreeMode: '@tmuxcodex-worktree-mode',
  base: '@tmuxcodex-base',
  target: '@tmuxcodex-target',
  created: '@tmuxcodex-created',
  sessionId: '@tmuxcodex-session-id',
  parent: '@tmuxcodex-parent',
  task: '@tmuxcodex-task',
  cwd: '@tmuxcodex-cwd',
  ports: '@tmuxcodex-ports',
  source: '@tmuxcodex-source',
  deps: '@tmuxcodex-deps',
  branchCreated: '@tmuxcodex-branch-created',
  fixFor: '@tmuxcodex-fix-for',
  fixToAll: '@tmuxcodex-fix-all',
  fixTip: '@tmuxcodex-fix-tip',
  prUrl: '@tmuxcodex-pr-url',
  contextWindow: '@tmuxcodex-context-window',
  transcriptFormat: '@tmuxcodex-transcript-format',
  launch: '@tmuxcodex-launch',
  transcript: '@tmuxcodex-transcript',
  lineage: '@tmuxcodex-lineage',
  prBase: '@tmuxcodex-pr-base',
  model: '@tmuxcodex-model',
} as const;

export type PaneMetaKey = keyof typeof PANE_META;

/** Pane options the daemon keeps current for pane borders (not read back: the transcript is the truth). */
export const CONTEXT_OPTION = '@tmuxcodex-ctx';
export const STATE_OPTION = '@tmuxcodex-state';

/** Marks the sidebar pane of a managed window, so layouts know which pane is not an agent. */
export const ROLE_OPTION = '@tmuxcodex-role';

/** Window option that marks the windows tmuxcodex lays out (sidebar at index 0, agents beside it). */
export const MANAGED_WINDOW_OPTION = '@tmuxcodex-window';

/**
 * Encodes a value for a pane option: control characters, '%' and the field separator become %XX.
 * Why: subscription and list output are line-based and unescaped, so a newline in a task text
 * would otherwise break framing (tmux-control-mode.md §4).
 */
export function encodeOptionValue(v: string): string {
  return v.replace(/[\x00-\x1f\x7f%\u241e]/g, (ch) => encodeURIComponent(ch));
}

/** Reverses encodeOptionValue. */
export function decodeOptionValue(v: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

/** A launch stored on a pane as JSON; null when missing or not the expected shape. */
function parseLaunch(text: string | undefined): AgentRecord['launch'] {
  if (!text) return null;
  try {
    const v = JSON.parse(text) as { argv?: unknown; taskPrefix?: unknown; env?: unknown };
    const strings = (x: unknown): x is string[] => Array.isArray(x) && x.every((a) => typeof a === 'string');
    if (!strings(v.argv) || !(v.taskPrefix === null || strings(v.taskPrefix))) return null;
    const env = v.env && typeof v.env === 'object' ? Object.fromEntries(Object.entries(v.env).filter(([, x]) => typeof x === 'string')) as Record<string, string> : {};
    return { argv: v.argv, taskPrefix: v.taskPrefix, env };
  } catch {
    return null;
  }
}

/** The metadata to store on a pane for record (only non-null fields). */
export function recordToPaneMeta(r: AgentRecord): Partial<Record<PaneMetaKey, string>> {
  const m: Partial<Record<PaneMetaKey, string>> = {
    id: r.id, name: r.name, profile: r.profile, created: r.createdAt, cwd: r.cwd,
  };
  if (r.branch) m.branch = r.branch;
  if (r.worktree) { m.worktree = r.worktree.path; m.worktreeMode = r.worktree.mode; }
  if (r.base) m.base = r.base;
  if (r.target) m.target = r.target;
  if (r.sessionId) m.sessionId = r.sessionId;
  if (r.parentId) m.parent = r.parentId;
  if (r.task) m.task = r.task;
  if (r.ports.length) m.ports = r.ports.join(',');
  if (r.source) m.source = r.source;
  if (r.branchCreated) m.branchCreated = '1';
  if (r.fix) {
    m.fixFor = r.fix.forAgent;
    if (r.fix.toAll) m.fixToAll = '1';
    if (r.fix.propagatedTip) m.fixTip = r.fix.propagatedTip;
  }
  if (r.pr) { m.prUrl = r.pr.url; m.prBase = r.pr.base; }
  if (r.contextWindow) m.contextWindow = String(r.contextWindow);
  if (r.model) m.model = r.model;
  if (r.transcriptFormat) m.transcriptFormat = r.transcriptFormat;
  if (r.launch) m.launch = JSON.stringify(r.launch);
  if (r.transcriptPath) m.transcript = r.transcriptPath;
  if (r.conversation?.lineage.length) m.lineage = r.conversation.lineage.join(',');
  if (r.deps.length) m.deps = r.deps.map((d) => `${d.dir}=${d.key}`).join(',');
  return m;
}

/** Builds a record from pane metadata plus what tmux says of the pane; null if the pane is not an agent. */
export function recordFromPane(meta: Partial<Record<PaneMetaKey, string>>, pane: { paneId: PaneId; windowId: WindowId; session: string; dead: boolean; deadStatus: number | null }): AgentRecord | null {
  if (!meta.id || !meta.name) return null;
  const mode = meta.worktreeMode === 'new' || meta.worktreeMode === 'existing' ? meta.worktreeMode : 'shared';
  return {
    id: meta.id,
    name: meta.name,
    profile: meta.profile ?? 'shell',
    paneId: pane.paneId,
    windowId: pane.windowId,
    session: pane.session,
    cwd: meta.cwd ?? meta.worktree ?? '',
    worktree: meta.worktree ? { path: meta.worktree, mode } : null,
    branch: meta.branch ?? null,
    base: meta.base ?? null,
    target: meta.target ?? null,
    parentId: meta.parent ?? null,
    task: meta.task ?? null,
    createdAt: meta.created ?? new Date(0).toISOString(),
    sessionId: meta.sessionId ?? null,
    transcriptPath: meta.transcript ?? null,
    state: pane.dead ? 'exited' : 'running',
    exitCode: pane.dead ? pane.deadStatus : null,
    ports: meta.ports ? meta.ports.split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0) : [],
    source: meta.source ?? null,
    branchCreated: meta.branchCreated === '1',
    fix: meta.fixFor ? { forAgent: meta.fixFor, toAll: meta.fixToAll === '1', propagatedTip: meta.fixTip ?? null } : null,
    deps: (meta.deps ?? '').split(',').filter((d) => d.includes('=')).map((d) => ({ dir: d.slice(0, d.lastIndexOf('=')), key: d.slice(d.lastIndexOf('=') + 1) })),
    pr: meta.prUrl && meta.prBase ? { url: meta.prUrl, base: meta.prBase } : null,
    context: null,
    contextWindow: Number(meta.contextWindow) > 0 ? Number(meta.contextWindow) : null,
    model: meta.model ?? null,
    transcriptFormat: meta.transcriptFormat ?? null,
    launch: parseLaunch(meta.launch),
    conversation: meta.lineage ? { startedAt: null, lastActivityAt: null, turns: 0, compactions: 0, freshStartedAt: null, lineage: meta.lineage.split(',').filter(Boolean) } : null,
    git: null,
  };
}
