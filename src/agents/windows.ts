// Managed windows: each has a sidebar at pane index 0 and up to N agent panes tiled beside it.
import { MANAGED_WINDOW_OPTION, ROLE_OPTION } from '../tmux/agent-options.js';
import { describeLayout, layoutShape, sidebarLayout, sidebarLayoutFits } from '../tmux/layout.js';
import { tmux, type ProgramSpec } from '../tmux/command.js';
import { NEW_WINDOW, PANE_ID } from '../tmux/formats.js';
import type { PaneId, WindowId } from '../tmux/ids.js';
import { paneBorderFormat } from '../tmux/status-formats.js';
import { failure } from '../errors.js';
import type { PaneInfo, TmuxRunner } from './pane-query.js';


export interface LayoutSettings {
  sidebarWidth: number;
  maxAgentsPerWindow: number;
}

/** The options every managed window gets: dead agents stay visible, their exit status readable. */
/** Agent panes show their @tmuxcodex-border (name, branch→target, context, state) at the top, reversed for the agent selected in the sidebar; other panes their title. */
export const BORDER_OPTIONS: ReadonlyArray<readonly [string, string]> = [
  ['pane-border-status', 'top'],
  ['pane-border-format', paneBorderFormat()],
];

export async function markManagedWindow(runner: TmuxRunner, windowId: WindowId, sidebarPaneId: PaneId): Promise<void> {
  await Promise.all([
    runner.run(tmux.setWindowOption(windowId, MANAGED_WINDOW_OPTION, '1')),
    runner.run(tmux.setWindowOption(windowId, 'remain-on-exit', 'on')),
    ...BORDER_OPTIONS.map(([name, value]) => runner.run(tmux.setWindowOption(windowId, name, value))),
    runner.run(tmux.setPaneOption(sidebarPaneId, ROLE_OPTION, 'sidebar')),
  ]);
}

/** Window name for the n-th managed window: agents, agents-2, ... */
export function windowName(session: string, index: number): string {
  return index <= 1 ? session : `${session}-${index}`;
}

export interface WindowSlot { windowId: WindowId; splitTarget: PaneId; splitHorizontally: boolean }

/** Groups panes by managed window (a window is managed when its index-0 pane is a sidebar). */
export function managedWindows(panes: readonly PaneInfo[]): Map<WindowId, PaneInfo[]> {
  const byWindow = new Map<WindowId, PaneInfo[]>();
  for (const p of panes) {
    const list = byWindow.get(p.windowId) ?? [];
    list.push(p);
    byWindow.set(p.windowId, list);
  }
  for (const [w, list] of byWindow) if (!list.some((p) => p.role === 'sidebar')) byWindow.delete(w);
  return byWindow;
}

/** Picks where a new agent pane goes: the first managed window with room, split from its largest agent. */
export function chooseSlot(panes: readonly PaneInfo[], maxAgents: number): WindowSlot | null {
  for (const [windowId, list] of managedWindows(panes)) {
    const agents = list.filter((p) => p.role !== 'sidebar');
    if (agents.length >= maxAgents) continue;
    const source = agents.length ? [...agents].sort((a, b) => b.width * b.height - a.width * a.height || b.paneIndex - a.paneIndex)[0]! : list[0]!;
    // Split along the longer side (a terminal cell is about twice as tall as wide).
    return { windowId, splitTarget: source.paneId, splitHorizontally: source.width >= source.height * 2 };
  }
  return null;
}

/** Opens a new managed window whose first pane runs the sidebar; returns its ids. */
export async function openManagedWindow(runner: TmuxRunner, o: { session: string; index: number; cwd: string; sidebar: ProgramSpec }): Promise<{ windowId: WindowId; paneId: PaneId }> {
  const out = await runner.run(tmux.newWindow({ session: o.session, windowName: windowName(o.session, o.index), cwd: o.cwd, program: o.sidebar, format: NEW_WINDOW.template }));
  const ids = NEW_WINDOW.first(out);
  if (!ids) throw failure('TMUX_UNEXPECTED', `tmux did not report the new window (got "${out[0]}").`);
  await markManagedWindow(runner, ids.windowId, ids.paneId);
  return ids;
}

/** Managed windows whose sidebar pane was killed by hand: window id -> its first pane. */
export function windowsMissingSidebar(panes: readonly PaneInfo[]): Map<WindowId, PaneInfo> {
  const missing = new Map<WindowId, PaneInfo>();
  const withSidebar = new Set(panes.filter((p) => p.role === 'sidebar').map((p) => p.windowId));
  for (const p of panes) {
    if (p.windowManaged && !withSidebar.has(p.windowId) && !missing.has(p.windowId)) missing.set(p.windowId, p);
  }
  return missing;
}

/** Puts a sidebar back at index 0 of a managed window: a full-height split before its first pane. */
export async function restoreSidebar(runner: TmuxRunner, firstPane: PaneInfo, o: { width: number; cwd: string; sidebar: ProgramSpec }): Promise<void> {
  const paneId = PANE_ID.first(await runner.run(tmux.splitSidebar({ target: firstPane.paneId, width: o.width, cwd: o.cwd, program: o.sidebar, format: PANE_ID.template })))?.paneId;
  if (paneId) await runner.run(tmux.setPaneOption(paneId, ROLE_OPTION, 'sidebar'));
}

/**
 * Keeps the sidebar layout of managed windows: given a %layout-change, returns the layout to apply,
 * or null when the window already has it. Re-applying at the same size is a no-op, so this cannot
 * loop; a layout tmux rejects or alters is not retried until the window has been in shape again
 * or its size or pane count changes.
 */
export class LayoutKeeper {
  private readonly lastApplied = new Map<string, string>();

  constructor(private readonly settings: LayoutSettings) {}

  desiredFor(windowId: string, reported: string): string | null {
    const d = describeLayout(reported);
    if (!d) return null;
    // A window too small for the grid keeps tmux's own layout rather than an invalid one.
    if (!sidebarLayoutFits(d.width, d.height, this.settings.sidebarWidth, Math.max(0, d.panes - 1))) return null;
    const want = sidebarLayout(d.width, d.height, this.settings.sidebarWidth, Math.max(0, d.panes - 1));
    if (layoutShape(want) === layoutShape(reported)) {
      this.lastApplied.delete(windowId); // in shape: the next disturbance gets a fresh try
      return null;
    }
    if (this.lastApplied.get(windowId) === want) return null;
    this.lastApplied.set(windowId, want);
    return want;
  }

  forget(windowId: string): void {
    this.lastApplied.delete(windowId);
  }
}
