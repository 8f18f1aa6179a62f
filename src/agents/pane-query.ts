// Reading agent panes and managed windows from tmux through the field tables.
import type { AgentRecord } from '../core/agent.js';
import { MANAGED_WINDOW_OPTION, PANE_META, ROLE_OPTION, decodeOptionValue, recordFromPane, type PaneMetaKey } from '../tmux/agent-options.js';
import { bool, formatFor, int, paneIdOf, parseRows, str, windowIdOf, type FieldTable } from '../tmux/formats.js';
import type { PaneId, WindowId } from '../tmux/ids.js';
import { tmux, type TmuxCommand } from '../tmux/command.js';

/** Anything that runs a tmux command and returns its output lines (the daemon's control link). */
export interface TmuxRunner {
  run(command: TmuxCommand): Promise<string[]>;
}

const META_FIELDS = Object.fromEntries(Object.entries(PANE_META).map(([k, opt]) => [`meta_${k}`, [opt, str] as const]));

export const PANE_FIELDS = {
  paneId: ['pane_id', paneIdOf],
  windowId: ['window_id', windowIdOf],
  session: ['session_name', str],
  paneIndex: ['pane_index', int],
  width: ['pane_width', int],
  height: ['pane_height', int],
  dead: ['pane_dead', bool],
  deadStatus: ['pane_dead_status', int],
  role: [ROLE_OPTION, str],
  windowManaged: [MANAGED_WINDOW_OPTION, bool],
  ...META_FIELDS,
} as const satisfies FieldTable;

const PANE_FORMAT = formatFor(PANE_FIELDS);

export interface PaneInfo {
  paneId: PaneId;
  windowId: WindowId;
  session: string;
  paneIndex: number;
  width: number;
  height: number;
  dead: boolean;
  deadStatus: number | null;
  role: string;
  /** The pane's window is one tmuxcodex lays out. */
  windowManaged: boolean;
  meta: Partial<Record<PaneMetaKey, string>>;
}

function toPaneInfo(row: Record<string, unknown>): PaneInfo {
  const meta: Partial<Record<PaneMetaKey, string>> = {};
  for (const k of Object.keys(PANE_META) as PaneMetaKey[]) {
    const v = row[`meta_${k}`] as string;
    if (v) meta[k] = decodeOptionValue(v);
  }
  return {
    paneId: row.paneId as PaneId, windowId: row.windowId as WindowId, session: row.session as string,
    paneIndex: (row.paneIndex as number | null) ?? 0, width: (row.width as number | null) ?? 0, height: (row.height as number | null) ?? 0,
    dead: row.dead as boolean, deadStatus: row.deadStatus as number | null, role: row.role as string, windowManaged: row.windowManaged as boolean, meta,
  };
}

/** Every pane of session, in window then pane-index order. */
export async function listSessionPanes(runner: TmuxRunner, session: string): Promise<PaneInfo[]> {
  return parseRows(PANE_FIELDS, await runner.run(tmux.listPanesInSession(session, PANE_FORMAT))).map(toPaneInfo);
}

/** The agents among panes. */
export function agentsFromPanes(panes: readonly PaneInfo[]): AgentRecord[] {
  return panes.map((p) => recordFromPane(p.meta, p)).filter((r): r is AgentRecord => r !== null);
}
