// Writes a fake agent's session transcript in the real formats (shapes taken from the recorded
// files in shared/fixtures/transcripts/, FORMATS.md): Codex rollouts under $CODEX_HOME/sessions
// and Claude Code JSONL under $CLAUDE_CONFIG_DIR/projects/<slug>/. Each prompt is one turn whose
// context grows like the recorded runs (Codex 12042, 13542, ...; Claude 15000, 16500, ...);
// "compact" compacts the history as both CLIs do.
import { appendFileSync, mkdirSync, openSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';

const now = () => new Date().toISOString();

/** A UUIDv7 (its first 48 bits are the creation time in ms), as Codex makes its thread ids. */
function uuidV7() {
  const hex = Date.now().toString(16).padStart(12, '0') + '7' + randomUUID().replace(/-/g, '').slice(13, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Local-time parts, as Codex names its date folders and files. */
function localParts(d) {
  const p = (n) => String(n).padStart(2, '0');
  return { y: String(d.getFullYear()), m: p(d.getMonth() + 1), d: p(d.getDate()), time: `${p(d.getHours())}-${p(d.getMinutes())}-${p(d.getSeconds())}` };
}

/** The rollout file of session id under a sessions folder, or null. */
function findRollout(dir, id) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      const found = findRollout(p, id);
      if (found) return found;
    } else if (e.name.endsWith(`-${id}.jsonl`)) return p;
  }
  return null;
}

export class CodexWriter {
  constructor(cwd, opts = {}) {
    this.home = process.env.CODEX_HOME || join(homedir(), '.codex');
    this.cwd = cwd;
    this.window = opts.window ?? 190000;
    this.id = opts.resumeId ?? uuidV7();
    this.startedAt = new Date();
    this.used = 10542;
    this.ordinal = 0;
    // Resume appends to the session's own file, with no new session_meta (FORMATS.md §1.1).
    this.path = opts.resumeId ? findRollout(join(this.home, 'sessions'), opts.resumeId) : null;
    // The resumed context is where the session left it: the last token_count's.
    for (const l of this.path ? readFileSync(this.path, 'utf8').split('\n') : []) {
      const m = /"last_token_usage":\{[^}]*"total_tokens":(\d+)/.exec(l);
      if (m) this.used = Number(m[1]);
    }
    // The TUI holds its thread lock open from the start (FORMATS.md §1.4).
    mkdirSync(join(this.home, 'thread-writer-locks'), { recursive: true });
    this.lockFd = openSync(join(this.home, 'thread-writer-locks', `${this.id}.lock`), 'w');
  }

  line(type, payload) {
    appendFileSync(this.path, JSON.stringify({ timestamp: now(), ordinal: this.ordinal++, type, payload }) + '\n');
  }

  /** The file appears at the first prompt, starting with session_meta. */
  ensureFile() {
    if (this.path) return;
    const t = localParts(this.startedAt);
    const dir = join(this.home, 'sessions', t.y, t.m, t.d);
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, `rollout-${t.y}-${t.m}-${t.d}T${t.time}-${this.id}.jsonl`);
    this.line('session_meta', { account_scoped: true, session_id: this.id, id: this.id, timestamp: this.startedAt.toISOString(), cwd: this.cwd, originator: 'codex-tui', cli_version: '0.171.0', source: 'cli', model_provider: 'fake', base_instructions: { text: 'x'.repeat(20000) }, history_mode: 'paginated' });
  }

  turn(prompt, answer) {
    this.ensureFile();
    const turnId = uuidV7();
    this.line('event_msg', { type: 'task_started', turn_id: turnId, started_at: Math.floor(Date.now() / 1000), model_context_window: this.window, collaboration_mode_kind: 'default' });
    this.line('turn_context', { turn_id: turnId, cwd: this.cwd, model: 'gpt-5.5', approval_policy: 'never' });
    this.line('response_item', { type: 'message', role: 'user', content: [{ type: 'input_text', text: prompt }] });
    this.line('event_msg', { type: 'item_completed', thread_id: this.id, turn_id: turnId, item: { type: 'UserMessage', id: uuidV7(), content: [{ type: 'text', text: prompt, text_elements: [] }] } });
    return { turnId, finish: () => this.finish(turnId, answer) };
  }

  finish(turnId, answer) {
    this.used += 1500;
    const usage = { input_tokens: this.used - 42, cached_input_tokens: 0, cache_write_input_tokens: 0, output_tokens: 42, reasoning_output_tokens: 0, total_tokens: this.used };
    this.line('event_msg', { type: 'item_completed', thread_id: this.id, turn_id: turnId, item: { type: 'AgentMessage', id: `msg_${randomUUID()}`, content: [{ type: 'Text', text: answer }] } });
    this.line('response_item', { type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: answer, annotations: [] }] });
    this.line('token_usage_record', { thread_id: this.id, turn_id: turnId, usage, turn_token_usage: usage });
    this.line('event_msg', { type: 'token_count', info: { total_token_usage: usage, last_token_usage: usage, last_usage_includes_reasoning: false, model_context_window: this.window }, rate_limits: { limit_id: 'codex' } });
    this.line('event_msg', { type: 'task_complete', turn_id: turnId, last_agent_message: answer, duration_ms: 10 });
  }

  compact() {
    this.ensureFile();
    this.line('compacted', { message: '', replacement_history: [], window_id: uuidV7() });
    this.used = 6866; // Codex's estimate of the compacted history; the next turn adds to it
    const usage = { input_tokens: 6866, cached_input_tokens: 0, cache_write_input_tokens: 0, output_tokens: 0, reasoning_output_tokens: 0, total_tokens: 6866 };
    this.line('event_msg', { type: 'token_count', info: { total_token_usage: usage, last_token_usage: usage, last_usage_includes_reasoning: false, model_context_window: this.window } });
  }
}

/** Claude Code's project folder name for a cwd (FORMATS.md §2.1; short paths only here). */
const slug = (cwd) => cwd.replace(/[^A-Za-z0-9]/g, '-');

/**
 * Runs the hooks Claude Code's settings.json declares for event, as Claude does: each command
 * through sh, the event's JSON on stdin.
 */
export function runClaudeHooks(event, payload) {
  const config = process.env.CLAUDE_CONFIG_DIR || join(homedir(), '.claude');
  let settings;
  try {
    settings = JSON.parse(readFileSync(join(config, 'settings.json'), 'utf8'));
  } catch {
    return;
  }
  for (const group of settings.hooks?.[event] ?? []) {
    for (const h of group.hooks ?? []) {
      if (h.type === 'command') spawnSync('/bin/sh', ['-c', h.command], { input: JSON.stringify({ hook_event_name: event, ...payload }), stdio: ['pipe', 'ignore', 'ignore'], timeout: (h.timeout ?? 60) * 1000 });
    }
  }
}

export class ClaudeWriter {
  /** model: what --model asked for; the transcript names it without a [1m] suffix, as Claude Code does. */
  constructor(cwd, sessionId, model = null) {
    this.model = (model ?? 'claude-opus-4-8').replace(/\[1m\]$/i, '');
    const config = process.env.CLAUDE_CONFIG_DIR || join(homedir(), '.claude');
    this.cwd = realpathSync(cwd);
    this.id = sessionId ?? randomUUID();
    this.dir = join(config, 'projects', slug(this.cwd));
    this.path = join(this.dir, `${this.id}.jsonl`);
    this.cached = 0;
    this.parent = null;
  }

  /** at: the line's timestamp, now unless a test writes a line as a late reader would find it. */
  line(record, at = now()) {
    mkdirSync(this.dir, { recursive: true });
    const uuid = randomUUID();
    appendFileSync(this.path, JSON.stringify({ parentUuid: this.parent, isSidechain: false, ...record, uuid, timestamp: at, userType: 'external', entrypoint: 'cli', cwd: this.cwd, sessionId: this.id, version: '2.1.197', gitBranch: 'HEAD' }) + '\n');
    this.parent = uuid;
  }

  hookPayload() {
    return { session_id: this.id, transcript_path: this.path, cwd: this.cwd };
  }

  turn(prompt, answer) {
    runClaudeHooks('UserPromptSubmit', { ...this.hookPayload(), prompt });
    this.line({ promptId: randomUUID(), type: 'user', message: { role: 'user', content: prompt }, permissionMode: 'default', origin: { kind: 'human' }, promptSource: 'typed' });
    return { finish: () => this.finish(answer) };
  }

  /**
   * The model asks to run a tool: the assistant's tool_use line, then Claude asks the person
   * (Notification). lateMs > 0: the line reaches the file lateMs after the hook, with the time it
   * was made, as a reader that is behind finds it (the daemon's transcript read racing its hook inbox).
   */
  askPermission(command, lateMs = 0) {
    const usage = { input_tokens: 3, cache_creation_input_tokens: 500, cache_read_input_tokens: this.cached, output_tokens: 30 };
    this.toolId = `toolu_${randomUUID().replace(/-/g, '')}`;
    const toolUse = { type: 'assistant', message: { id: `msg_fake_${randomUUID().replace(/-/g, '')}`, type: 'message', role: 'assistant', model: this.model, stop_reason: 'tool_use', usage, content: [{ type: 'tool_use', id: this.toolId, name: 'Bash', input: { command } }] } };
    const at = now();
    if (lateMs === 0) this.line(toolUse, at);
    runClaudeHooks('Notification', { ...this.hookPayload(), message: 'Claude needs your permission to use Bash', notification_type: 'permission_prompt' });
    if (lateMs > 0) {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, lateMs); // the reader is behind
      this.line(toolUse, at);
    }
  }

  /** The person allowed it: the tool runs (PreToolUse), its result comes back. */
  permissionGranted() {
    runClaudeHooks('PreToolUse', { ...this.hookPayload(), tool_name: 'Bash' });
    this.line({ type: 'user', message: { role: 'user', content: [{ tool_use_id: this.toolId, type: 'tool_result', content: 'ok' }] } });
  }

  finish(answer) {
    const creation = this.cached === 0 ? 14997 : 1500;
    const usage = { input_tokens: 3, cache_creation_input_tokens: creation, cache_read_input_tokens: this.cached, output_tokens: 42, service_tier: 'standard' };
    const message = { id: `msg_fake_${randomUUID().replace(/-/g, '')}`, type: 'message', role: 'assistant', model: this.model, stop_reason: 'end_turn', stop_sequence: null, usage };
    // One API message with a thinking block and a text block is two lines with the same id and usage.
    this.line({ type: 'assistant', message: { ...message, content: [{ type: 'thinking', thinking: 'hm', signature: 's' }] }, requestId: `req_${randomUUID()}` });
    this.line({ type: 'assistant', message: { ...message, content: [{ type: 'text', text: answer }] }, requestId: `req_${randomUUID()}` });
    this.line({ type: 'system', subtype: 'turn_duration', durationMs: 150, messageCount: 4, isMeta: false });
    this.cached += creation;
    runClaudeHooks('Stop', { ...this.hookPayload(), stop_hook_active: false });
  }

  compact() {
    const pre = this.cached + 3;
    this.line({ type: 'system', subtype: 'compact_boundary', content: 'Conversation compacted', isMeta: false, level: 'info', compactMetadata: { trigger: 'manual', preTokens: pre, durationMs: 214, postTokens: 587 } });
    this.line({ type: 'user', message: { role: 'user', content: 'This session is being continued from a previous conversation.' }, isCompactSummary: true, isVisibleInTranscriptOnly: true });
    // The next call reads the compacted history (587 tokens, 3 of them uncached input) from the cache.
    this.cached = 584;
  }
}
