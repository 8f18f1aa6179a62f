// Claude Code transcript records (FORMATS.md §2) folded into SessionFacts. Context used now is
// input + cache_creation_input + cache_read_input of the last main-chain, non-synthetic assistant
// line (one API message may span several lines: same message.id, same usage); after a
// compact_boundary, its postTokens until the next assistant line. The window is not recorded.
import { noteAnswer, notePrompt, type SessionFacts } from '../../core/session.js';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null);
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** The text blocks (or string) of a user line's content. */
function userText(r: Obj): string {
  const content = obj(r.message)?.content;
  if (typeof content === 'string') return content;
  return Array.isArray(content) ? content.map((b) => (obj(b)?.type === 'text' ? str(obj(b)?.text) ?? '' : '')).filter(Boolean).join('\n') : '';
}

/** A person's prompt: a main-chain user line with text, not meta, a compact summary or a slash command's echo. */
function promptText(r: Obj): string | null {
  if (r.isMeta || r.isCompactSummary || r.isSidechain) return null;
  const content = obj(r.message)?.content;
  let text: string | null = null;
  if (typeof content === 'string') text = content;
  else if (Array.isArray(content)) {
    // Tool results come back as user lines too: only text blocks are the person's.
    if (content.some((b) => obj(b)?.type === 'tool_result')) return null;
    text = userText(r);
  }
  if (!text?.trim() || /^\s*<(command-|local-command-)/.test(text) || INTERRUPTED.test(text)) return null;
  return text;
}

/** What Claude Code writes as a user line when the person interrupts a turn (Esc): not a prompt. */
const INTERRUPTED = /^\s*\[Request interrupted by user/;

export function applyClaudeRecord(f: SessionFacts, record: unknown): void {
  const r = obj(record);
  if (!r) return;
  const at = str(r.timestamp);
  if (at) {
    f.lastActivityAt = at;
    f.startedAt ??= at;
  }
  if (typeof r.sessionId === 'string') f.sessionId ??= r.sessionId;
  if (typeof r.version === 'string') f.cliVersion = r.version;
  if (r.isSidechain) return; // a subagent's traffic, not the main context
  if (r.type === 'user') {
    if (!r.isSidechain && INTERRUPTED.test(userText(r))) {
      f.activity = 'idle'; // the turn was stopped
      return;
    }
    const text = promptText(r);
    if (text !== null) {
      notePrompt(f, text);
      f.activity = 'working';
    }
    return;
  }
  if (r.type === 'assistant') {
    const m = obj(r.message);
    if (!m || m.model === '<synthetic>' || r.isApiErrorMessage) return;
    if (typeof m.model === 'string') f.model = m.model;
    const u = obj(m.usage);
    if (u) f.usedTokens = num(u.input_tokens) + num(u.cache_creation_input_tokens) + num(u.cache_read_input_tokens);
    const text = Array.isArray(m.content) ? m.content.map((b) => (obj(b)?.type === 'text' ? str(obj(b)?.text) ?? '' : '')).join('') : '';
    if (text) noteAnswer(f, text);
    // end_turn: the answer is complete; tool_use means more work follows in this turn.
    if (m.stop_reason === 'end_turn' || m.stop_reason === 'stop_sequence' || m.stop_reason === 'max_tokens') f.activity = 'idle';
    else if (m.stop_reason === 'tool_use') f.activity = 'working';
    return;
  }
  if (r.type === 'system') {
    if (r.subtype === 'compact_boundary') {
      f.compactions++;
      const post = obj(r.compactMetadata)?.postTokens;
      if (typeof post === 'number') f.usedTokens = post;
    } else if (r.subtype === 'turn_duration') f.activity = 'idle';
  }
}
