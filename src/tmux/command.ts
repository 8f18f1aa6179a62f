// The only place that builds tmux argv or control-mode lines. Every user string passes through here.
//
// Two transports, two quoting rules:
//  - control mode: each line is parsed as tmux command language, so every word is single-quoted
//    with quoteWord() (tmux-control-mode.md §5);
//  - argv (CLI bootstrapping): words arrive as-is, except that a word ending in ';' is taken as a
//    command separator by tmux, so a final ';' is escaped as '\;' (cmd-parse.y
//    cmd_parse_from_arguments).
// Arguments that tmux format-expands (-c, -n, -s, display-message text) also get '#' doubled.

/** Which tmux server to talk to: exactly one of tmux's own -L / -S, or the default. */
import { usageError } from '../errors.js';
import type { PaneId, WindowId } from './ids.js';

export interface TmuxServer {
  socketName?: string;
  socketPath?: string;
  /** Config file for a server that this call may start (tests pass /dev/null). */
  configFile?: string;
}

/** A tmux command as words. Built only by the functions below, so quoting cannot be skipped. */
export interface TmuxCommand {
  readonly words: readonly string[];
}

declare const formatSafe: unique symbol;
/** A string already escaped for an argument that tmux format-expands. */
export type FormatLiteral = string & { readonly [formatSafe]: true };

/** tmux's command language has no way to write a NUL byte: refuse it as bad input. */
function refuseNul(s: string): void {
  if (s.includes('\0')) throw usageError('NUL_IN_ARGUMENT', 'A NUL byte cannot be passed to tmux (in a name, task, text or path).', 'Remove the NUL byte from the input.');
}

/** Quotes one word for tmux's command parser so that it parses back to exactly s. */
export function quoteWord(s: string): string {
  refuseNul(s);
  let out = "'";
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === "'") out += "'\\''"; // close, escaped quote, reopen
    else if (c < 0x20 || c === 0x7f) out += "'\\" + c.toString(8).padStart(3, '0') + "'"; // octal escape outside quotes
    else out += ch;
  }
  return out + "'";
}

/** Escapes '#' so that a format-expanded argument shows s literally. */
export function literalForFormat(s: string): FormatLiteral {
  // tmux copies a run of '#' that ends in '[' through verbatim (style syntax), so those stay single.
  return s.replace(/#(?!#*\[)/g, '##') as FormatLiteral;
}

/** Quotes one word for /bin/sh (for the commands tmux hands to a shell: run-shell, display-popup). */
export function shellWord(s: string): string {
  refuseNul(s);
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}

/** Renders a command as one control-mode line (no trailing newline). */
export function toControlLine(command: TmuxCommand): string {
  return command.words.map(quoteWord).join(' ');
}

/** Escapes one argv word: tmux treats a word ending in ';' as a command separator. */
function argvWord(s: string): string {
  refuseNul(s);
  return s.endsWith(';') ? s.slice(0, -1) + '\\;' : s;
}

/** Global tmux flags for a server: -u always (keeps UTF-8 intact), then -L/-S and -f. */
export function serverFlags(server: TmuxServer): string[] {
  const flags = ['-u'];
  // -L when we have a name: tmux then creates and checks its own socket folder, which it does not for -S.
  if (server.socketName) flags.push('-L', server.socketName);
  else if (server.socketPath) flags.push('-S', server.socketPath);
  if (server.configFile) flags.push('-f', server.configFile);
  return flags;
}

/** The full argv (after the tmux binary) for running command as a separate tmux client. */
export function toArgv(server: TmuxServer, command: TmuxCommand): string[] {
  return [...serverFlags(server), ...command.words.map(argvWord)];
}

/** The argv for a control-mode client attached to session. */
export function controlClientArgv(server: TmuxServer, session: string): string[] {
  return [...serverFlags(server), '-C', 'attach-session', '-f', 'no-output,ignore-size', '-t', exactSession(session)];
}

/** The argv for a person's client: attach, read-only if asked. */
export function attachArgv(server: TmuxServer, session: string, readonly: boolean): string[] {
  return [...serverFlags(server), 'attach-session', ...(readonly ? ['-r'] : []), '-t', exactSession(session)];
}

/** A target that matches the session named exactly name (not a prefix or pattern). */
export function exactSession(name: string): string {
  return `=${name}`;
}

/** A target for a session's window by index, or the session's current window. */
function sessionTarget(session: string): string {
  return `=${session}:`;
}

const c = (...words: string[]): TmuxCommand => ({ words });

/** Environment words for new panes: -e K=V for each entry. */
function envWords(env: Readonly<Record<string, string>>): string[] {
  return Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
}

/**
 * The command words that start a program. tmux runs a single word through /bin/sh -c and several
 * words with execvp, so a program given as argv always goes through `env` to be exec'd directly.
 */
function programWords(program: ProgramSpec | undefined): string[] {
  if (!program) return [];
  if (program.kind === 'shell') return [program.command];
  return ['env', '--', ...program.argv];
}

/** What a pane runs: an argv exec'd directly, or a shell command line the user wrote. */
export type ProgramSpec = { kind: 'argv'; argv: readonly string[] } | { kind: 'shell'; command: string };

export const tmux = {
  version: (): TmuxCommand => c('-V'),
  hasSession: (session: string) => c('has-session', '-t', exactSession(session)),
  /** A detached session of size width x height whose first window runs program. */
  newSession(o: { session: string; windowName: string; cwd: string; width: number; height: number; program?: ProgramSpec; env?: Record<string, string>; format: string }) {
    return c('new-session', '-d', '-P', '-F', o.format, '-s', literalForFormat(o.session), '-n', literalForFormat(o.windowName),
      '-c', literalForFormat(o.cwd), '-x', String(o.width), '-y', String(o.height), ...envWords(o.env ?? {}), ...programWords(o.program));
  },
  newWindow(o: { session: string; windowName: string; cwd: string; program?: ProgramSpec; env?: Record<string, string>; format: string }) {
    return c('new-window', '-d', '-a', '-P', '-F', o.format, '-t', sessionTarget(o.session), '-n', literalForFormat(o.windowName),
      '-c', literalForFormat(o.cwd), ...envWords(o.env ?? {}), ...programWords(o.program));
  },
  splitWindow(o: { target: PaneId | WindowId; cwd: string; horizontal: boolean; program?: ProgramSpec; env?: Record<string, string>; format: string }) {
    return c('split-window', o.horizontal ? '-h' : '-v', '-d', '-P', '-F', o.format, '-t', o.target, '-c', literalForFormat(o.cwd), ...envWords(o.env ?? {}), ...programWords(o.program));
  },
  /** A full-height pane of width columns placed before target (so it takes pane index 0). */
  splitSidebar(o: { target: PaneId; width: number; cwd: string; program: ProgramSpec; format: string }) {
    return c('split-window', '-h', '-b', '-f', '-d', '-l', String(o.width), '-P', '-F', o.format, '-t', o.target, '-c', literalForFormat(o.cwd), ...programWords(o.program));
  },
  respawnPane: (pane: PaneId, cwd: string, program: ProgramSpec, env: Record<string, string> = {}) =>
    c('respawn-pane', '-k', '-t', pane, '-c', literalForFormat(cwd), ...envWords(env), ...programWords(program)),
  /** Sets a user option on a pane. Plain set-option: the value is stored as given, never expanded. */
  setPaneOption: (pane: PaneId, name: string, value: string) => c('set-option', '-p', '-t', pane, name, value),
  unsetPaneOption: (pane: PaneId, name: string) => c('set-option', '-p', '-u', '-t', pane, name),
  showPaneOption: (pane: PaneId, name: string) => c('show-options', '-p', '-v', '-t', pane, name),
  setWindowOption: (window: WindowId, name: string, value: string) => c('set-option', '-w', '-t', window, name, value),
  setSessionOption: (session: string, name: string, value: string) => c('set-option', '-t', exactSession(session), name, value),
  setServerOption: (name: string, value: string) => c('set-option', '-s', name, value),
  setGlobalOption: (name: string, value: string) => c('set-option', '-g', name, value),
  listPanesInSession: (session: string, format: string) => c('list-panes', '-s', '-t', exactSession(session), '-F', format),
  listPanesOfWindow: (window: WindowId, format: string) => c('list-panes', '-t', window, '-F', format),
  listAllPanes: (format: string) => c('list-panes', '-a', '-F', format),
  listWindows: (session: string, format: string) => c('list-windows', '-t', exactSession(session), '-F', format),
  listClients: (format: string) => c('list-clients', '-F', format),
  listSessions: (format: string) => c('list-sessions', '-F', format),
  /** Prints format expanded for target (a format we wrote, never user text). */
  display: (target: string, format: string) => c('display-message', '-p', '-t', target, format),
  selectLayout: (window: WindowId, layout: string) => c('select-layout', '-t', window, layout),
  killPane: (pane: PaneId) => c('kill-pane', '-t', pane),
  killWindow: (window: WindowId) => c('kill-window', '-t', window),
  killSession: (session: string) => c('kill-session', '-t', exactSession(session)),
  killServer: () => c('kill-server'),
  selectPane: (pane: PaneId) => c('select-pane', '-t', pane),
  selectWindow: (window: WindowId) => c('select-window', '-t', window),
  switchClient: (pane: string, client?: string) => c('switch-client', ...(client ? ['-c', client] : []), '-t', pane),
  /** Types text into a pane literally (-l: no key-name lookup); `--` keeps a leading '-' as text. */
  sendText: (pane: PaneId, text: string) => c('send-keys', '-t', pane, '-l', '--', text),
  sendEnter: (pane: PaneId) => c('send-keys', '-t', pane, 'Enter'),
  /** Loads a file (written by us, private to the user) into a named paste buffer. */
  loadBuffer: (buffer: string, path: string) => c('load-buffer', '-b', buffer, path),
  /** Pastes a buffer into a pane and deletes it; -p brackets it when the program asked for bracketed paste. */
  pasteBuffer: (buffer: string, pane: PaneId) => c('paste-buffer', '-p', '-d', '-r', '-b', buffer, '-t', pane),
  capturePane: (pane: PaneId, lines: number) => c('capture-pane', '-p', '-J', '-t', pane, '-S', String(-lines)),
  /** The visible screen as drawn, one row per line (no -J), so row N is where #{cursor_y} = N. */
  captureScreen: (pane: PaneId) => c('capture-pane', '-p', '-t', pane),
  renameWindow: (window: WindowId, name: string) => c('rename-window', '-t', window, '--', literalForFormat(name)),
  setPaneTitle: (pane: PaneId, title: string) => c('select-pane', '-t', pane, '-T', literalForFormat(title)),
  resizeWindow: (window: WindowId, width: number, height: number) => c('resize-window', '-t', window, '-x', String(width), '-y', String(height)),
  /** Sets control-client flags (no-output keeps pane output off the connection). */
  setClientFlags: (flags: string) => c('refresh-client', '-f', flags),
  /** Subscribes to a format on panes (`%*`), windows (`@*`) or the session (''); reported at most once a second. */
  subscribe: (name: string, what: string, format: string) => c('refresh-client', '-B', `${name}:${what}:${format}`),
  unsubscribe: (name: string) => c('refresh-client', '-B', name),
  detachClient: (client: string) => c('detach-client', '-t', client),
  setHook: (target: string, hook: string, command: TmuxCommand) => c('set-hook', '-t', target, hook, toControlLine(command)),
  /** Binds key in a key table to command (the plugin's bindings). */
  bindKey: (table: string, key: string, command: TmuxCommand) => c('bind-key', '-T', table, key, ...command.words),
  /** The binding of key in table (empty output when there is none). */
  listKeys: (table: string, key: string) => c('list-keys', '-T', table, key),
  /** Makes the client's next key come from table (prefix + a enters tmuxcodex's table). */
  switchKeyTable: (table: string) => c('switch-client', '-T', table),
  /** Asks y/n first; prompt is a format (expanded for the current pane), command runs on y. */
  confirmBefore: (prompt: string, command: TmuxCommand) => c('confirm-before', '-p', prompt, toControlLine(command)),
  /** Runs a shell command line (format-expanded first); its output shows in the pane, in view mode. */
  runShell: (shellCommand: string) => c('run-shell', shellCommand),
  /** A popup running a shell command line, closed when it exits. */
  displayPopup: (shellCommand: string, o: { title: string; width: string; height: string }) =>
    c('display-popup', '-E', '-d', '#{pane_current_path}', '-T', literalForFormat(o.title), '-w', o.width, '-h', o.height, shellCommand),
  /** What stands in for a popup on a tmux without popups (before 3.2): a window running the line. */
  windowForPopup: (shellCommand: string, o: { title: string }) =>
    c('new-window', '-c', '#{pane_current_path}', '-n', literalForFormat(o.title), shellCommand),
  /** Runs then when format expands to something true (not empty, not 0), else otherwise; no shell. */
  ifFormat: (format: string, then: TmuxCommand, otherwise: TmuxCommand) => c('if-shell', '-F', format, toControlLine(then), toControlLine(otherwise)),
  /** Shows text in the status line for a moment. */
  message: (text: string) => c('display-message', literalForFormat(text)),
  /** Shows text on one client's status line for ms milliseconds. */
  messageTo: (client: string, text: string, ms: number | null) => c('display-message', '-c', client, ...(ms === null ? [] : ['-d', String(ms)]), literalForFormat(text)),
  /** A global option's value, or nothing when unset (-q). */
  showGlobalOption: (name: string) => c('show-options', '-gqv', name),
  /** Arbitrary words for the hostile-string tests and the bench harness: still quoted on the way out. */
  raw: (...words: string[]) => c(...words),
};
