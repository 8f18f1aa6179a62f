// Wiring the agents' own hook mechanisms to tmuxcodex (`hooks install`): Claude Code runs a command
// on Notification (it waits for the person), UserPromptSubmit and PreToolUse (it works) and Stop
// (it is idle); Codex runs its `notify` program when a turn completes. Both call `tmuxcodex hook`.
// The user's files are merged into, never replaced: what is there stays, a backup is kept.
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { usageError } from '../errors.js';
import { finalTarget, writeFileThroughLinks } from '../fs/through-links.js';

/** Marks our entries, so install is idempotent and uninstall finds them. */
const MARK = 'tmuxcodex-hook';

export const CLAUDE_EVENTS = ['Notification', 'UserPromptSubmit', 'PreToolUse', 'Stop'] as const;

export interface HookTarget { file: string; changed: boolean; note: string }

type Json = Record<string, unknown>;

/** Keeps the first version of a file we change, beside it. */
function backupOnce(file: string): void {
  const backup = `${file}.tmuxcodex-backup`;
  if (existsSync(file) && !existsSync(backup)) copyFileSync(file, backup);
}

/** Claude Code's settings as a JSON object; anything else is refused with the file left as it is. */
function readSettings(settingsFile: string, action: 'install' | 'uninstall'): Json {
  let settings: unknown;
  try {
    settings = JSON.parse(readFileSync(settingsFile, 'utf8'));
  } catch (e) {
    throw usageError('CLAUDE_SETTINGS_INVALID', `${settingsFile} is not valid JSON (${(e as Error).message}); it was left as it is.`, `Fix the file, then run \`tmuxcodex hooks ${action}\` again.`);
  }
  if (!settings || typeof settings !== 'object' || Array.isArray(settings)) throw usageError('CLAUDE_SETTINGS_INVALID', `${settingsFile} does not hold a JSON object; it was left as it is.`, `Fix the file, then run \`tmuxcodex hooks ${action}\` again.`);
  return settings as Json;
}

/** Adds the tmuxcodex hook (command, a shell line) to Claude Code's settings.json for each event. */
export function installClaudeHooks(settingsFile: string, command: string, dryRun: boolean): HookTarget {
  const settings = existsSync(settingsFile) ? readSettings(settingsFile, 'install') : {};
  const hooks = (settings.hooks && typeof settings.hooks === 'object' ? settings.hooks : {}) as Json;
  const added: string[] = [];
  for (const event of CLAUDE_EVENTS) {
    const groups = Array.isArray(hooks[event]) ? (hooks[event] as Json[]) : [];
    if (JSON.stringify(groups).includes(MARK)) continue;
    groups.push({ matcher: '', hooks: [{ type: 'command', command: `${command} ${MARK}=${event}`, timeout: 5 }] });
    hooks[event] = groups;
    added.push(event);
  }
  if (!added.length) return { file: settingsFile, changed: false, note: 'already installed' };
  if (!dryRun) {
    mkdirSync(dirname(finalTarget(settingsFile)), { recursive: true });
    backupOnce(settingsFile);
    writeFileThroughLinks(settingsFile, JSON.stringify({ ...settings, hooks }, null, 2) + '\n');
  }
  return { file: settingsFile, changed: true, note: `${dryRun ? 'would add' : 'added'} hooks for ${added.join(', ')}` };
}

const NOTIFY_COMMENT = '# added by tmuxcodex hooks install: tells tmuxcodex when a turn completes';

/** Parses TOML (the library is loaded only here: `hook`, run on every agent event, never needs it). */
async function parseToml(file: string, text: string, action: 'install' | 'uninstall'): Promise<Json> {
  const { parse, TomlError } = await import('smol-toml');
  try {
    return parse(text) as Json;
  } catch (e) {
    const where = e instanceof TomlError ? `:${e.line}:${e.column}` : '';
    throw usageError('CODEX_CONFIG_INVALID', `${file}${where}: not valid TOML (${(e as Error).message.split('\n')[0]}); it was left as it is.`, `Fix the file, then run \`tmuxcodex hooks ${action}\` again.`);
  }
}

/** Whether two parsed TOML documents hold the same keys and values (key order and prototypes aside). */
function sameToml(a: unknown, b: unknown): boolean {
  const canonical = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canonical);
    if (v instanceof Date) return `${v.constructor.name}:${String(v)}`; // TOML dates, local ones included
    if (v && typeof v === 'object') return Object.keys(v).sort().map((k) => [k, canonical((v as Json)[k])]);
    return v;
  };
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/** True if value is the notify argv tmuxcodex wrote. */
const isOurNotify = (value: unknown): boolean => Array.isArray(value) && value.includes(MARK);

/**
 * Sets Codex's top-level `notify` in config.toml to argv, unless something else holds it. The file
 * is parsed as TOML (a line starting with "[" inside a multi-line string is no table), and the
 * result is parsed again before it is written: exactly one notify, ours, and nothing else changed.
 */
export async function installCodexNotify(configFile: string, argv: readonly string[], dryRun: boolean): Promise<HookTarget> {
  const text = existsSync(configFile) ? readFileSync(configFile, 'utf8') : '';
  const doc = await parseToml(configFile, text, 'install');
  if (Object.hasOwn(doc, 'notify')) {
    if (isOurNotify(doc.notify)) return { file: configFile, changed: false, note: 'already installed' };
    throw usageError('CODEX_NOTIFY_TAKEN', `${configFile} already sets notify (${JSON.stringify(doc.notify)}); tmuxcodex would replace it, so it was left as it is.`, `Chain it by hand: make your notify program also run: ${argv.join(' ')}`);
  }
  // TOML basic strings take JSON's escapes; a top-level key must come before any table, so first.
  const wanted = [...argv, MARK];
  const next = `${NOTIFY_COMMENT}\nnotify = [${wanted.map((a) => JSON.stringify(a)).join(', ')}]\n${text}`;
  const check = await parseToml(configFile, next, 'install');
  if (!sameToml(check, { ...doc, notify: wanted })) throw usageError('CODEX_CONFIG_UNEXPECTED', `Adding notify to ${configFile} would not give the file Codex expects; it was left as it is.`, `Add this line before any [table] by hand: notify = ${JSON.stringify(wanted)}`);
  if (!dryRun) {
    mkdirSync(dirname(finalTarget(configFile)), { recursive: true });
    backupOnce(configFile);
    writeFileThroughLinks(configFile, next);
  }
  return { file: configFile, changed: true, note: dryRun ? 'would set notify' : 'set notify' };
}

/** Takes the tmuxcodex entries out of Claude Code's settings (and nothing else). */
export function uninstallClaudeHooks(settingsFile: string): HookTarget {
  if (!existsSync(settingsFile)) return { file: settingsFile, changed: false, note: 'no settings file' };
  const settings = readSettings(settingsFile, 'uninstall');
  const hooks = (settings.hooks && typeof settings.hooks === 'object' ? settings.hooks : {}) as Json;
  let removed = 0;
  for (const [event, groups] of Object.entries(hooks)) {
    if (!Array.isArray(groups)) continue;
    const kept = (groups as Json[]).filter((g) => !JSON.stringify(g).includes(MARK));
    removed += groups.length - kept.length;
    if (kept.length) hooks[event] = kept;
    else delete hooks[event];
  }
  if (!removed) return { file: settingsFile, changed: false, note: 'not installed' };
  writeFileThroughLinks(settingsFile, JSON.stringify({ ...settings, hooks }, null, 2) + '\n');
  return { file: settingsFile, changed: true, note: `removed ${removed} hook(s)` };
}

/**
 * Takes tmuxcodex's notify line (and its comment) out of Codex's config.toml; the result must
 * parse to the same document without notify, else the file is left for the person.
 */
export async function uninstallCodexNotify(configFile: string): Promise<HookTarget> {
  if (!existsSync(configFile)) return { file: configFile, changed: false, note: 'no config file' };
  const text = readFileSync(configFile, 'utf8');
  const doc = await parseToml(configFile, text, 'uninstall');
  if (!isOurNotify(doc.notify)) return { file: configFile, changed: false, note: 'not installed' };
  const next = text.split('\n').filter((l) => !(/^notify\s*=/.test(l) && l.includes(MARK)) && l !== NOTIFY_COMMENT).join('\n');
  const { notify: _ours, ...rest } = doc;
  if (!sameToml(await parseToml(configFile, next, 'uninstall'), rest)) {
    throw usageError('CODEX_NOTIFY_EDITED', `The notify tmuxcodex added to ${configFile} is no longer on its own line as written; the file was left as it is.`, 'Remove the notify line that names tmuxcodex-hook by hand.');
  }
  writeFileThroughLinks(configFile, next);
  return { file: configFile, changed: true, note: 'removed notify' };
}

/** Claude Code's user settings file for an environment. */
export function claudeSettingsFile(configDir: string): string {
  return join(configDir, 'settings.json');
}

/** What a hook call means for the agent's state; null for events that say nothing about it. */
export function hookState(kind: 'claude' | 'codex', event: string | null, payload: Json | null): { state: 'waiting' | 'working' | 'idle'; detail: string | null } | null {
  if (kind === 'codex') {
    const type = typeof payload?.type === 'string' ? payload.type : '';
    if (/approval/.test(type)) return { state: 'waiting', detail: type };
    return type === 'agent-turn-complete' ? { state: 'idle', detail: null } : null;
  }
  const name = (typeof payload?.hook_event_name === 'string' ? payload.hook_event_name : null) ?? event;
  const message = typeof payload?.message === 'string' ? payload.message : null;
  switch (name) {
    case 'Notification': return { state: 'waiting', detail: message };
    case 'UserPromptSubmit':
    case 'PreToolUse': return { state: 'working', detail: null };
    case 'Stop': return { state: 'idle', detail: null };
    default: return null;
  }
}
