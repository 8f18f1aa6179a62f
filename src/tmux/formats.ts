// Field tables drive formats: one table gives both the -F template and a typed parser (as libtmux's
// field tables do). Every format the rest of tmuxcodex asks tmux for is a named table below.
import { isPaneId, isSessionId, isWindowId, type PaneId, type SessionId, type WindowId } from './ids.js';
import { PANE_META, ROLE_OPTION } from './agent-options.js';

/** Separator between fields: printable (survives -u output), and escaped inside our own option values. */
export const FIELD_SEPARATOR = '\u241e';

type Decoder<T> = (raw: string) => T;
export const str: Decoder<string> = (s) => s;
export const int: Decoder<number | null> = (s) => (s === '' ? null : Number(s));
export const bool: Decoder<boolean> = (s) => s === '1';
export const optional: Decoder<string | null> = (s) => (s === '' ? null : s);

/** Thrown by a decoder for a value that cannot be what the field holds; the row is then malformed. */
class MalformedField extends Error {}

/** Decodes an id field; a value that is no id makes the whole row malformed (parse gives null). */
function idDecoder<T extends string>(is: (s: string) => s is T): Decoder<T> {
  return (s) => {
    if (!is(s)) throw new MalformedField(s);
    return s;
  };
}
export const paneIdOf: Decoder<PaneId> = idDecoder(isPaneId);
export const windowIdOf: Decoder<WindowId> = idDecoder(isWindowId);
export const sessionIdOf: Decoder<SessionId> = idDecoder(isSessionId);

export type FieldTable = Readonly<Record<string, readonly [string, Decoder<unknown>]>>;
export type Row<T extends FieldTable> = { [K in keyof T]: ReturnType<T[K][1]> };

/** The -F template for table: `#{var}` fields joined by separator. */
export function formatFor(table: FieldTable, separator: string = FIELD_SEPARATOR): string {
  return Object.values(table).map(([v]) => `#{${v}}`).join(separator);
}

/** Parses one output line produced by formatFor(table, separator). Returns null for a malformed line. */
export function parseRow<T extends FieldTable>(table: T, line: string, separator: string = FIELD_SEPARATOR): Row<T> | null {
  const parts = line.split(separator);
  const keys = Object.keys(table);
  if (parts.length !== keys.length) return null;
  const row: Record<string, unknown> = {};
  try {
    keys.forEach((k, i) => { row[k] = table[k]![1](parts[i]!); });
  } catch (e) {
    if (e instanceof MalformedField) return null;
    throw e;
  }
  return row as Row<T>;
}

/** Parses every well-formed line. */
export function parseRows<T extends FieldTable>(table: T, lines: readonly string[], separator: string = FIELD_SEPARATOR): Row<T>[] {
  return lines.map((l) => parseRow(table, l, separator)).filter((r): r is Row<T> => r !== null);
}

/** A field table bound to its separator: the template to send and the parser for what comes back. */
export interface FieldFormat<T extends FieldTable> {
  readonly fields: T;
  readonly template: string;
  /** One row; null when the line is malformed. */
  parse(line: string): Row<T> | null;
  /** The first line of a reply (display-message, new-window -P), parsed; null when missing or malformed. */
  first(lines: readonly string[]): Row<T> | null;
  /** Every well-formed line of a reply. */
  all(lines: readonly string[]): Row<T>[];
}

/** Binds a table to a separator (FIELD_SEPARATOR unless a reader elsewhere fixes another). */
export function fieldFormat<T extends FieldTable>(fields: T, separator: string = FIELD_SEPARATOR): FieldFormat<T> {
  return {
    fields,
    template: formatFor(fields, separator),
    parse: (line) => parseRow(fields, line, separator),
    first: (lines) => parseRow(fields, lines[0] ?? '', separator),
    all: (lines) => parseRows(fields, lines, separator),
  };
}

// The formats tmuxcodex reads. Pane and window ids are decoded (branded) at this boundary.

/** What split-window -P reports: the new pane and its window. */
export const NEW_PANE = fieldFormat({ paneId: ['pane_id', paneIdOf], windowId: ['window_id', windowIdOf] });
/** What new-window -P and new-session -P report: the new window and its first pane. */
export const NEW_WINDOW = fieldFormat({ windowId: ['window_id', windowIdOf], paneId: ['pane_id', paneIdOf] });
/** A pane's id alone (the sidebar split). */
export const PANE_ID = fieldFormat({ paneId: ['pane_id', paneIdOf] });
/** Where a pane's cursor is, and whether its program has ended. */
export const PANE_CURSOR = fieldFormat({ cursorY: ['cursor_y', int], dead: ['pane_dead', bool] });
/**
 * A pane's dead flag and exit status, for the pane-state subscription. Its separator is '|' as the
 * subscription's value has always been written (a plain ASCII byte in %subscription-changed).
 */
export const PANE_STATE = fieldFormat({ dead: ['pane_dead', bool], deadStatus: ['pane_dead_status', int] }, '|');
/** A pane's exit status (empty while it runs, or while tmux has not reaped it). */
export const PANE_DEAD_STATUS = fieldFormat({ deadStatus: ['pane_dead_status', int] });
/** The pid of the process a pane runs. */
export const PANE_PID = fieldFormat({ pid: ['pane_pid', int] });
/** The terminal a pane's program writes to (a bell goes there). */
export const PANE_TTY = fieldFormat({ tty: ['pane_tty', str] });
/** The tmux server's own pid. */
export const SERVER_PID = fieldFormat({ pid: ['pid', int] });
/** A window's layout string. */
export const WINDOW_LAYOUT = fieldFormat({ layout: ['window_layout', str] });
/** Each window of a session with its layout. */
export const WINDOW_LAYOUTS = fieldFormat({ windowId: ['window_id', windowIdOf], layout: ['window_layout', str] });
/** A session's $N id. */
export const SESSION_ID = fieldFormat({ sessionId: ['session_id', sessionIdOf] });
/** Clients: whether each is a control client, and its name (to show it a message). */
export const CLIENT_NAMES = fieldFormat({ controlMode: ['client_control_mode', bool], name: ['client_name', str] });
/** Clients: each one's pid and whether it is a control client (to reap stale ones of ours). */
export const CLIENT_PIDS = fieldFormat({ pid: ['client_pid', int], controlMode: ['client_control_mode', bool] });
/** Each pane's foreground command (what runs in it now, by tmux's reading of the terminal) and whether its program ended. */
export const PANE_COMMANDS = fieldFormat({ paneId: ['pane_id', paneIdOf], dead: ['pane_dead', bool], command: ['pane_current_command', str] });
/** Each session's name and working folder (the -c of new-session: a `claude -w --tmux` session's worktree). */
export const SESSION_PATHS = fieldFormat({ name: ['session_name', str], path: ['session_path', str] });
/** Whether a pane is one tmuxcodex made: its agent id, or its role (a sidebar). */
export const AGENT_MARKS = fieldFormat({ id: [PANE_META.id, str], role: [ROLE_OPTION, str] });
