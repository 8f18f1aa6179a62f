// Child process of the sessions bench: reads one Claude transcript either as the daemon's first
// read does or by parsing every line, and prints the facts with the time and peak RSS it took.
import { JsonlTail } from '../../dist/transcripts/jsonl-tail.js';
import { firstRead } from '../../dist/transcripts/first-read.js';
import { emptySessionFacts } from '../../dist/core/session.js';
import { ADAPTERS } from '../../dist/transcripts/adapters.js';

const [mode, path] = process.argv.slice(2);
const adapter = ADAPTERS.claude;
const facts = emptySessionFacts();
const tail = new JsonlTail(path);
let records = null;
const t0 = performance.now();
if (mode === 'first-read') await firstRead(tail, facts, adapter.apply, adapter.scan);
else records = await tail.read((r) => adapter.apply(facts, r));
const ms = performance.now() - t0;
process.stdout.write(JSON.stringify({ mode, ms, peakMiB: process.resourceUsage().maxRSS / 1024, usedTokens: facts.usedTokens, turns: facts.turns, startedAt: facts.startedAt, records, oversized: tail.oversized }));
