// Codex CLI rollout records (FORMATS.md §1) folded into SessionFacts. Context used now is the
// last_token_usage.total_tokens of the last token_count with info; the window is its
// model_context_window (already the effective 95%). Unknown record types are ignored.
import { noteAnswer, notePrompt, type SessionFacts } from '../../core/session.js';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** The text of an item's content blocks ({type: text|Text|input_text|output_text, text}). */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((b) => str(obj(b)?.text) ?? '').filter(Boolean).join('\n');
}

export function applyCodexRecord(f: SessionFacts, record: unknown): void {
  const r = obj(record);
  if (!r) return;
  const at = str(r.timestamp);
  if (at) f.lastActivityAt = at;
  const p = obj(r.payload);
  if (!p) return;
  switch (r.type) {
    case 'session_meta':
      // A resumed session appends to the same file and writes no new session_meta: keep the first.
      f.sessionId ??= str(p.id) ?? str(p.session_id);
      f.startedAt ??= str(p.timestamp) ?? at;
      f.cliVersion = str(p.cli_version) ?? f.cliVersion;
      return;
    case 'turn_context':
      f.model = str(p.model) ?? f.model;
      return;
    case 'compacted':
      f.compactions++;
      return;
    case 'event_msg':
      break;
    default:
      return;
  }
  switch (p.type) {
    case 'task_started':
      f.activity = 'working';
      f.windowTokens = num(p.model_context_window) ?? f.windowTokens;
      return;
    case 'task_complete':
    case 'turn_aborted':
      f.activity = 'idle';
      if (str(p.last_agent_message)) noteAnswer(f, str(p.last_agent_message)!);
      return;
    case 'token_count': {
      const info = obj(p.info);
      const used = num(obj(info?.last_token_usage)?.total_tokens);
      if (!info || used === null) return; // rate-limit-only events carry info: null
      f.usedTokens = used;
      f.windowTokens = num(info.model_context_window) ?? f.windowTokens;
      return;
    }
    case 'item_completed': {
      const item = obj(p.item);
      if (item?.type === 'UserMessage') notePrompt(f, contentText(item.content));
      else if (item?.type === 'AgentMessage') noteAnswer(f, contentText(item.content));
      return;
    }
    // Before item_completed (older versions): user_message / agent_message with `message`.
    case 'user_message':
      notePrompt(f, str(p.message) ?? '');
      return;
    case 'agent_message':
      noteAnswer(f, str(p.message) ?? '');
      return;
    default:
  }
}
