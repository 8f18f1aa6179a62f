// A fake Anthropic Messages API for running the real Claude Code offline in tests (adapted from
// shared/harness/fake-anthropic.mjs, without its tool scripts). Plain Node, 127.0.0.1 only.
// Usage is deterministic per turn, and the turn is read from the request itself (assistant
// messages already in it, plus 1), so the numbers stay right across --resume and a fresh session:
//   context(turn) = base + (turn-1)*perTurn = input_tokens + cache_creation + cache_read
// A prompt holding `RUN_SHELL: CMD` (to the end of its line) is answered with a Bash tool call of
// CMD, and the tool's result with text, so a test can make Claude ask the person (FORMATS.md §5.1:
// `sh -c '...; exit 1'` needs approval offline).
// Run as a program it prints `port N`; imported, startFakeAnthropic() resolves to the server.
import http from 'node:http';
import crypto from 'node:crypto';
import { pathToFileURL } from 'node:url';

export const ANTHROPIC_DEFAULTS = { base: 15000, perTurn: 1500, output: 42, uncached: 3 };

/** The usage the server reports for a turn: a cache read of the previous turn's context. */
export function anthropicUsage(turn, o = ANTHROPIC_DEFAULTS) {
  const total = o.base + (turn - 1) * o.perTurn;
  const read = turn > 1 ? o.base + (turn - 2) * o.perTurn - o.uncached : 0;
  return { input_tokens: o.uncached, cache_creation_input_tokens: total - o.uncached - read, cache_read_input_tokens: read, output_tokens: o.output };
}

const turnOf = (body) => (Array.isArray(body.messages) ? body.messages : []).filter((m) => m && m.role === 'assistant').length + 1;
const sse = (res, obj) => res.write(`event: ${obj.type}\ndata: ${JSON.stringify(obj)}\n\n`);

/** The text of a message's content (a string, or its text blocks). */
const textOf = (m) => (typeof m?.content === 'string' ? m.content : Array.isArray(m?.content) ? m.content.filter((b) => b?.type === 'text').map((b) => b.text).join('\n') : '');

/** The shell command the last user message asks for (RUN_SHELL: CMD), unless it carries the tool's result already. */
function shellAsked(body) {
  const last = Array.isArray(body.messages) ? body.messages.at(-1) : null;
  if (!last || last.role !== 'user' || (Array.isArray(last.content) && last.content.some((b) => b?.type === 'tool_result'))) return null;
  if (!Array.isArray(body.tools) || !body.tools.some((t) => t?.name === 'Bash')) return null;
  return /RUN_SHELL: (.+)/.exec(textOf(last))?.[1]?.trim() ?? null;
}

/** Answers one /v1/messages request, streamed the way the real API does when asked to. */
function answer(res, body, o) {
  const turn = turnOf(body);
  const shell = body.stream ? shellAsked(body) : null;
  const usage = anthropicUsage(turn, o);
  const text = `Hello from the fake Anthropic server (turn ${turn}).`;
  const id = `msg_fake_${crypto.randomBytes(12).toString('hex')}`;
  const model = body.model || 'claude-fake';
  const full = { ...usage, cache_creation: { ephemeral_5m_input_tokens: usage.cache_creation_input_tokens, ephemeral_1h_input_tokens: 0 }, service_tier: 'standard' };
  if (!body.stream) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id, type: 'message', role: 'assistant', model, content: [{ type: 'text', text }], stop_reason: 'end_turn', stop_sequence: null, usage: full }));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  sse(res, { type: 'message_start', message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { ...full, output_tokens: 1 } } });
  if (shell) {
    const input = { command: shell, description: 'Run the command asked for' };
    sse(res, { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: `toolu_fake_${crypto.randomBytes(12).toString('hex')}`, name: 'Bash', input: {} } });
    sse(res, { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: JSON.stringify(input) } });
  } else {
    sse(res, { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    sse(res, { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } });
  }
  sse(res, { type: 'content_block_stop', index: 0 });
  sse(res, { type: 'message_delta', delta: { stop_reason: shell ? 'tool_use' : 'end_turn', stop_sequence: null }, usage });
  sse(res, { type: 'message_stop' });
  res.end();
}

/** Starts the server on 127.0.0.1 (port 0 = a free one); resolves once it listens. */
export function startFakeAnthropic(options = {}) {
  const o = { ...ANTHROPIC_DEFAULTS, ...options };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      let body = {};
      try { body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {}; } catch { body = {}; }
      const path = new URL(req.url, 'http://x').pathname;
      if (req.method === 'HEAD') { res.writeHead(200); res.end(); return; } // Claude Code probes the base URL
      if (req.method === 'POST' && path.endsWith('/messages/count_tokens')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ input_tokens: Math.max(1, Math.ceil(Buffer.concat(chunks).length / 4)) }));
        return;
      }
      if (req.method === 'POST' && path.endsWith('/messages')) { answer(res, body, o); return; }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: `no route for ${req.method} ${path}` } }));
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve({ server, port: server.address().port, url: `http://127.0.0.1:${server.address().port}` }));
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { port } = await startFakeAnthropic({ port: Number(process.env.FAKE_PORT) || 0 });
  console.log(`port ${port}`);
}
