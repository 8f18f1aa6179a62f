// Wiring the agents' own hook mechanisms to tmuxcodex (`hooks install`): Claude Code runs a command
// on Notification (it waits for the person), UserPromptSubmit and PreToolUse (it works) and Stop
// (it is idle); Codex runs its `notify` program when a turn completes. Both call `tmuxcodex hook`.
// The user's files are merged into, never replaced: what is there stays, a backup is kept.
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { usageError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic.js';

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

/** Adds the tmuxcodex hook (command, a shell line) to Claude Code's settings.json for each event. */
export function installClaudeHooks(settingsFile: string, command: string, dryRun: boolean): HookTarget {
  let settings: Json = {};
  if (existsSync(settingsFile)) {
    try {
      settings = JSON.parse(readFileSync(settingsFile, 'utf8')) as Json;
    } catch (e) {
      throw usageError('CLAUDE_SETTINGS_INVALID', `${settingsFile} is not valid JSON (${(e as Error).message}); it was left as it is.`, 'Fix the file, then run `tmuxcodex hooks install` again.');
    }
    if (!settings || typeof settings !== 'object' || Array.isArray(settings)) throw usageError('CLAUDE_SETTINGS_INVALID', `${settingsFile} does not hold a JSON object; it was left as it is.`);
  }
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
    mkdirSync(dirname(settingsFile), { recursive: true });
    backupOnce(settingsFile);
    writeFileAtomic(settingsFile, JSON.stringify({ ...settings, hooks }, null, 2) + '\n');
  }
  return { file: settingsFile, changed: true, note: `${dryRun ? 'would add' : 'added'} hooks for ${added.join(', ')}` };
}

/** Sets Codex's top-level `notify` in config.toml to argv, unless something else holds it. */
export function installCodexNotify(configFile: string, argv: readonly string[], dryRun: boolean): HookTarget {
  const text = existsSync(configFile) ? readFileSync(configFile, 'utf8') : '';
  // Only top-level keys (before the first [table]) are Codex's notify.
  const top = text.split(/^\s*\[/m)[0] ?? '';
  const existing = /^\s*notify\s*=.*$/m.exec(top);
  if (existing) {
    if (existing[0].includes(MARK)) return { file: configFile, changed: false, note: 'already installed' };
    throw usageError('CODEX_NOTIFY_TAKEN', `${configFile} already sets notify (${existing[0].trim()}); tmuxcodex would replace it, so it was left as it is.`, `Chain it by hand: make your notify program also run: ${argv.join(' ')}`);
  }
  // TOML basic strings take JSON's escapes for these characters; a top-level key goes before any table.
  const line = `notify = [${[...argv, MARK].map((a) => JSON.stringify(a)).join(', ')}]\n`;
  if (!dryRun) {
    mkdirSync(dirname(configFile), { recursive: true });
    backupOnce(configFile);
    writeFileAtomic(configFile, `# added by tmuxcodex hooks install: tells tmuxcodex when a turn completes\n${line}${text}`);
  }
  return { file: configFile, changed: true, note: dryRun ? 'would set notify' : 'set notify' };
}

/** Takes the tmuxcodex entries out of Claude Code's settings (and nothing else). */
export function uninstallClaudeHooks(settingsFile: string): HookTarget {
  if (!existsSync(settingsFile)) return { file: settingsFile, changed: false, note: 'no settings file' };
  const settings = JSON.parse(readFileSync(settingsFile, 'utf8')) as Json;
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
  writeFileAtomic(settingsFile, JSON.stringify({ ...settings, hooks }, null, 2) + '\n');
  return { file: settingsFile, changed: true, note: `removed ${removed} hook(s)` };
}

/** Takes tmuxcodex's notify line (and its comment) out of Codex's config.toml. */
export function uninstallCodexNotify(configFile: string): HookTarget {
  if (!existsSync(configFile)) return { file: configFile, changed: false, note: 'no config file' };
  const lines = readFileSync(configFile, 'utf8').split('\n');
  const kept = lines.filter((l) => !(l.startsWith('notify') && l.includes(MARK)) && l !== '# added by tmuxcodex hooks install: tells tmuxcodex when a turn completes');
  if (kept.length === lines.length) return { file: configFile, changed: false, note: 'not installed' };
  writeFileAtomic(configFile, kept.join('\n'));
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
