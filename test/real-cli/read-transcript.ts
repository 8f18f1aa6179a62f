// The test's own reader of the real CLIs' transcripts, written from shared/fixtures/transcripts/
// FORMATS.md (sections 1.3, 2.2, 2.3) and not from tmuxcodex's parser, so that the e2e test compares
// tmuxcodex's list --json with an independent reading of what the CLI itself wrote.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** What a transcript says now: the figures list --json must agree with. */
export interface TranscriptView {
  sessionId: string | null;
  usedTokens: number | null;
  /** Codex records its (effective) window; Claude Code does not (null). */
  windowTokens: number | null;
  /** Prompts the person (or tmuxcodex for them) submitted. */
  turns: number;
  model: string | null;
  /** True while a prompt has no finished answer yet. */
  turnOpen: boolean;
}

type Rec = Record<string, any>;

/** Complete JSON lines of a file; a torn last line is left out. */
function records(path: string): Rec[] {
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  if (!text.endsWith('\n')) lines.pop();
  const out: Rec[] = [];
  for (const line of lines) {
    if (!line.trim()) continue;
    try { out.push(JSON.parse(line) as Rec); } catch { /* not a record */ }
  }
  return out;
}

/** Codex rollout: context = last token_count's last_token_usage.total_tokens, window beside it. */
export function readCodexRollout(path: string): TranscriptView {
  const v: TranscriptView = { sessionId: null, usedTokens: null, windowTokens: null, turns: 0, model: null, turnOpen: false };
  for (const r of records(path)) {
    const p = r.payload as Rec | undefined;
    if (!p) continue;
    if (r.type === 'session_meta') v.sessionId ??= p.id ?? p.session_id ?? null;
    else if (r.type === 'turn_context' && typeof p.model === 'string') v.model = p.model;
    else if (r.type === 'event_msg') {
      if (p.type === 'token_count' && p.info) {
        v.usedTokens = p.info.last_token_usage.total_tokens;
        v.windowTokens = p.info.model_context_window;
      } else if (p.type === 'item_completed' && p.item?.type === 'UserMessage') v.turns++;
      else if (p.type === 'task_started') v.turnOpen = true;
      else if (p.type === 'task_complete' || p.type === 'turn_aborted') v.turnOpen = false;
    }
  }
  return v;
}

/** What started each turn of a Codex rollout, in order: "user" (typed), "queue" (`codex queue`), "exec" (FORMATS.md §5.7). */
export function codexTurnTriggers(path: string): string[] {
  const out: string[] = [];
  for (const r of records(path)) {
    const p = r.payload as Rec | undefined;
    if (r.type === 'event_msg' && p?.type === 'task_started') out.push(String(p.turn_attribution?.turn_trigger ?? '?'));
  }
  return out;
}

/** The prompts of a Codex rollout, turn by turn (task_started to the next), as the user message items give them. */
export function codexPromptsByTurn(path: string): string[][] {
  const out: string[][] = [];
  for (const r of records(path)) {
    const p = r.payload as Rec | undefined;
    if (r.type === 'event_msg' && p?.type === 'task_started') out.push([]);
    else if (r.type === 'event_msg' && p?.type === 'item_completed' && p.item?.type === 'UserMessage') out.at(-1)?.push((p.item.content as Rec[]).filter((c) => c?.type === 'text').map((c) => c.text).join(''));
  }
  return out;
}

/** A user line that is a prompt: not meta, not a tool result, not a slash command's echo. */
function isPrompt(r: Rec): boolean {
  if (r.type !== 'user' || r.isMeta || r.isCompactSummary || r.isSidechain) return false;
  const c = r.message?.content;
  const text = typeof c === 'string' ? c
    : Array.isArray(c) && !c.some((b: Rec) => b?.type === 'tool_result') ? c.filter((b: Rec) => b?.type === 'text').map((b: Rec) => b.text).join('\n') : '';
  return text.trim() !== '' && !/^\s*<(command-|local-command-)/.test(text);
}

/** Claude Code transcript: context = input + cache_creation + cache_read of the last real assistant line. */
export function readClaudeTranscript(path: string): TranscriptView {
  const v: TranscriptView = { sessionId: null, usedTokens: null, windowTokens: null, turns: 0, model: null, turnOpen: false };
  for (const r of records(path)) {
    if (typeof r.sessionId === 'string') v.sessionId ??= r.sessionId;
    if (isPrompt(r)) { v.turns++; v.turnOpen = true; continue; }
    const m = r.message as Rec | undefined;
    if (r.type !== 'assistant' || r.isSidechain || r.isApiErrorMessage || !m || m.model === '<synthetic>') continue;
    const u = m.usage as Rec;
    v.usedTokens = u.input_tokens + u.cache_creation_input_tokens + u.cache_read_input_tokens;
    v.model = m.model;
    if (m.stop_reason === 'end_turn') v.turnOpen = false;
  }
  return v;
}

/** Every Codex rollout file under CODEX_HOME/sessions (YYYY/MM/DD folders, local time). */
export function codexRollouts(codexHome: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    let names: string[];
    try { names = readdirSync(dir); } catch { return; }
    for (const n of names) {
      const p = join(dir, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (/^rollout-.*\.jsonl$/.test(n)) out.push(p);
    }
  };
  walk(join(codexHome, 'sessions'));
  return out.sort();
}

/** Claude Code's transcript path: projects/<cwd with every non-alphanumeric as '-'>/<id>.jsonl. */
export function claudeTranscriptPath(configDir: string, cwd: string, sessionId: string): string {
  return join(configDir, 'projects', cwd.replace(/[^A-Za-z0-9]/g, '-'), `${sessionId}.jsonl`);
}

/** The session ids of the live Claude Code processes, from the CLI's own sessions/<pid>.json registry. */
export function liveClaudeSessions(configDir: string): Array<{ pid: number; sessionId: string; cwd: string; status: string | null; waitingFor: string | null }> {
  let names: string[];
  try { names = readdirSync(join(configDir, 'sessions')); } catch { return []; }
  const out: Array<{ pid: number; sessionId: string; cwd: string; status: string | null; waitingFor: string | null }> = [];
  for (const n of names.filter((x) => /^\d+\.json$/.test(x))) {
    try {
      const s = JSON.parse(readFileSync(join(configDir, 'sessions', n), 'utf8')) as Rec;
      process.kill(s.pid, 0); // a file left behind by a killed process does not count
      out.push({ pid: s.pid, sessionId: s.sessionId, cwd: s.cwd, status: s.status ?? null, waitingFor: s.waitingFor ?? null });
    } catch { /* gone or torn */ }
  }
  return out;
}
