// Printing: aligned tables, JSON, ages, and the one place errors become messages and exit codes.
import { TmuxcodexError } from '../errors.js';
import { ProcessError } from '../proc/run.js';

/**
 * Text from agents, branches, paths and configs may hold control characters (ESC starts a terminal
 * escape): each is shown as \xNN, never sent to the terminal. keepNewlines keeps the line breaks
 * (and tabs) of a message written over several lines.
 */
export function escapeControl(text: string, keepNewlines = false): string {
  return text.replace(keepNewlines ? /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g : /[\x00-\x1f\x7f-\x9f]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Formats rows as left-aligned columns under a header. */
export function table(header: readonly string[], rawRows: readonly (readonly string[])[]): string {
  const rows = rawRows.map((r) => r.map((c) => escapeControl(c)));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** "45s", "12m", "3h", "2d": how long ago iso was, from now. */
export function age(iso: string, now = Date.now()): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '?';
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 90) return `${s}s`;
  if (s < 90 * 60) return `${Math.round(s / 60)}m`;
  if (s < 36 * 3600) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86400)}d`;
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** Prints an error (what, why, what to do) and returns the exit code: 2 bad input, 1 failure. */
export function reportError(e: unknown, json: boolean): number {
  if (e instanceof TmuxcodexError) {
    if (json) process.stderr.write(JSON.stringify({ error: e.toJSON() }) + '\n');
    else process.stderr.write(`tmuxcodex: ${escapeControl(e.message, true)}\n${e.hint ? `  ${escapeControl(e.hint, true)}\n` : ''}`);
    return e.exitCode;
  }
  const msg = e instanceof ProcessError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e);
  if (json) process.stderr.write(JSON.stringify({ error: { code: 'INTERNAL', message: msg, hint: null, kind: 'failed' } }) + '\n');
  else process.stderr.write(`tmuxcodex: ${escapeControl(msg, true)}\n`);
  return 1;
}
