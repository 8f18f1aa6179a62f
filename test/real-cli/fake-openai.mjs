// A fake OpenAI Responses API for running the real Codex CLI offline in tests (adapted from
// shared/harness/fake-openai.mjs, without its tool scripts or Chat Completions). Plain Node,
// 127.0.0.1 only. Usage is deterministic per turn, read from the request itself (assistant
// messages already in its input, plus 1), so it stays right across a resume:
//   input_tokens = base + (turn-1)*perTurn (cached: the previous turn's), output_tokens = output
// A prompt holding `SLOW_REPLY: MS` is answered MS ms late, so a test sees Codex busy.
// Run as a program it prints `port N`; imported, startFakeOpenAI() resolves to the server.
import http from 'node:http';
import crypto from 'node:crypto';
import { pathToFileURL } from 'node:url';

export const OPENAI_DEFAULTS = { base: 12000, perTurn: 1500, output: 42 };

/** The Responses API usage the server reports for a turn. */
export function openaiUsage(turn, o = OPENAI_DEFAULTS) {
  const input = o.base + (turn - 1) * o.perTurn;
  const cached = turn > 1 ? o.base + (turn - 2) * o.perTurn : 0;
  return { input_tokens: input, input_tokens_details: { cached_tokens: cached }, output_tokens: o.output, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: input + o.output };
}

const turnOf = (body) => (Array.isArray(body.input) ? body.input : []).filter((i) => i && i.role === 'assistant' && (i.type === 'message' || i.type === undefined)).length + 1;
const rid = (p) => `${p}_${crypto.randomBytes(12).toString('hex')}`;
const sse = (res, obj) => res.write(`event: ${obj.type}\ndata: ${JSON.stringify(obj)}\n\n`);

/** The delay the last user message asks for (SLOW_REPLY: MS), else 0. */
function slowReply(body) {
  const users = (Array.isArray(body.input) ? body.input : []).filter((i) => i && i.role === 'user');
  const last = users.at(-1);
  const text = typeof last?.content === 'string' ? last.content : Array.isArray(last?.content) ? last.content.map((c) => c?.text ?? '').join('\n') : '';
  return Number(/SLOW_REPLY: (\d+)/.exec(text)?.[1] ?? 0);
}

/** Answers one /responses request with a single assistant message, streamed unless stream is false. */
function answer(res, body, o) {
  const turn = turnOf(body);
  const usage = openaiUsage(turn, o);
  const text = `Hello from the fake OpenAI server (turn ${turn}).`;
  const item = { type: 'message', id: rid('msg'), status: 'completed', role: 'assistant', content: [{ type: 'output_text', text, annotations: [] }] };
  const base = { id: rid('resp'), object: 'response', created_at: Math.floor(Date.now() / 1000), model: body.model || 'gpt-fake', status: 'in_progress', output: [] };
  const done = { ...base, status: 'completed', output: [item], usage };
  if (body.stream === false) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(done));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  let seq = 0;
  const part = { type: 'output_text', text, annotations: [] };
  sse(res, { type: 'response.created', sequence_number: seq++, response: base });
  sse(res, { type: 'response.in_progress', sequence_number: seq++, response: base });
  sse(res, { type: 'response.output_item.added', sequence_number: seq++, output_index: 0, item: { ...item, status: 'in_progress', content: [] } });
  sse(res, { type: 'response.content_part.added', sequence_number: seq++, item_id: item.id, output_index: 0, content_index: 0, part: { ...part, text: '' } });
  sse(res, { type: 'response.output_text.delta', sequence_number: seq++, item_id: item.id, output_index: 0, content_index: 0, delta: text });
  sse(res, { type: 'response.output_text.done', sequence_number: seq++, item_id: item.id, output_index: 0, content_index: 0, text });
  sse(res, { type: 'response.content_part.done', sequence_number: seq++, item_id: item.id, output_index: 0, content_index: 0, part });
  sse(res, { type: 'response.output_item.done', sequence_number: seq++, output_index: 0, item });
  sse(res, { type: 'response.completed', sequence_number: seq++, response: done });
  res.end();
}

/** Starts the server on 127.0.0.1 (port 0 = a free one); resolves once it listens. */
export function startFakeOpenAI(options = {}) {
  const o = { ...OPENAI_DEFAULTS, ...options };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      let body = {};
      try { body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {}; } catch { body = {}; }
      const path = new URL(req.url, 'http://x').pathname;
      if (req.method === 'HEAD') { res.writeHead(200); res.end(); return; }
      if (req.method === 'POST' && path.endsWith('/responses')) { setTimeout(() => answer(res, body, o), slowReply(body)); return; }
      if (req.method === 'GET' && path.endsWith('/models')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ object: 'list', data: [], models: [] })); // no remote models: Codex uses its bundled list
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `no route for ${req.method} ${path}`, type: 'not_found' } }));
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve({ server, port: server.address().port, url: `http://127.0.0.1:${server.address().port}/v1` }));
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { port } = await startFakeOpenAI({ port: Number(process.env.FAKE_PORT) || 0 });
  console.log(`port ${port}`);
}
