#!/usr/bin/env node
// A fake agent CLI for tests: prints a banner and a prompt, and handles each line it reads as an
// agent would. With --format codex|claude it also writes its session transcript in that CLI's real
// format (transcript-writer.mjs), so the daemon's readers see what they would see from Codex or
// Claude Code. Lines: "exit N" exits with N ("quit" with 0); "compact" compacts the history;
// "work MS TEXT" is a prompt whose answer takes MS milliseconds; "ask TEXT" (claude) is a prompt
// whose answer needs a tool the person must allow first (Notification hook), and "yes" allows it
// ("ask-late TEXT": its tool_use line is found only after the hook, as a daemon behind would);
// "hold TEXT" is a prompt whose turn runs until "release" is typed (a test sees it working however
// busy the machine is);
// anything else is a prompt. As Claude Code does, it runs the hooks its settings.json declares;
// with FAKE_CLAUDE_SESSIONS=1 (claude) it also keeps sessions/<pid>.json as 2.1.332 does
// (session-registry.mjs): busy in a turn, waiting for "permission prompt" at an ask, idle between.
// Usage: fake-agent.mjs [--format codex|claude] [--session-id ID] [--model M] [--resume ID | resume ID] [--] [TASK...]
import { createInterface } from 'node:readline';
import { ClaudeWriter, CodexWriter } from './transcript-writer.mjs';
import { SessionRegistry } from './session-registry.mjs';

const args = process.argv.slice(2);
const take = (flag) => {
  const i = args.indexOf(flag);
  if (i === -1) return null;
  const [, value] = args.splice(i, 2);
  return value ?? null;
};
const format = take('--format');
const sessionId = take('--session-id');
const model = take('--model');
let resumeId = take('--resume');
if (args[0] === 'resume') resumeId = args.splice(0, 2)[1] ?? null;
const task = args.filter((a) => a !== '--').join(' ');

const writer = format === 'codex' ? new CodexWriter(process.cwd(), { resumeId })
  : format === 'claude' ? new ClaudeWriter(process.cwd(), resumeId ?? sessionId, model) : null;
const registry = format === 'claude' && process.env.FAKE_CLAUDE_SESSIONS === '1' ? new SessionRegistry(writer.id, process.cwd()) : null;
let turns = 0;
/** The rest of a turn that waits for the person to allow a tool. */
let pendingAnswer = null;

/** One prompt: the transcript gets the turn; the answer comes after delayMs. */
function prompt(text, delayMs = 0) {
  turns++;
  const answer = `answer ${turns} to: ${text}`;
  registry?.set('busy');
  const t = writer?.turn(text, answer);
  const done = () => {
    t?.finish();
    registry?.set('idle');
    process.stdout.write(`${answer}\n> `);
  };
  if (delayMs > 0) setTimeout(done, delayMs);
  else done();
}

process.stdout.write(`fake-agent ready (pid ${process.pid})${format ? ` ${format} session ${writer.id}` : ''}${model ? ` model ${model}` : ''}${resumeId ? ' resumed' : ''}${task ? ` task: ${task}` : ''}\n> `);
if (task) prompt(task);
/** One line of input, as the person (or tmuxcodex) gave it. */
function onLine(line) {
  const text = line.trim();
  const m = /^exit (\d+)$/.exec(text);
  if (m) process.exit(Number(m[1]));
  if (text === 'quit') process.exit(0);
  if (!writer) return void process.stdout.write(`echo: ${line}\n> `);
  if (text === 'compact') {
    writer.compact();
    return void process.stdout.write('compacted\n> ');
  }
  const ask = /^ask(-late)? (.*)$/.exec(text);
  if (ask && format === 'claude') {
    turns++;
    const answer = `answer ${turns} to: ${ask[2]}`;
    const t = writer.turn(ask[2], answer);
    registry?.set('busy');
    writer.askPermission('npm test', ask[1] ? 400 : 0);
    registry?.set('waiting', 'permission prompt');
    pendingAnswer = () => { registry?.set('busy'); writer.permissionGranted(); t.finish(); registry?.set('idle'); process.stdout.write(`${answer}\n> `); };
    return void process.stdout.write('allow Bash(npm test)? (yes)\n> ');
  }
  const hold = /^hold (.*)$/.exec(text);
  if (hold && writer) {
    turns++;
    const answer = `answer ${turns} to: ${hold[1]}`;
    registry?.set('busy');
    const t = writer.turn(hold[1], answer);
    pendingAnswer = () => { t.finish(); registry?.set('idle'); process.stdout.write(`${answer}\n> `); };
    return;
  }
  if ((text === 'yes' || text === 'release') && pendingAnswer) {
    const done = pendingAnswer;
    pendingAnswer = null;
    return void done();
  }
  const work = /^work (\d+) (.*)$/.exec(text);
  if (work) prompt(work[2], Number(work[1]));
  // The prompt as typed (tabs and spaces kept), as a real agent takes it.
  else if (text) prompt(line);
}

if (process.stdin.isTTY) {
  // Raw, as the real agent TUIs read: no line discipline, so a 1 MB line (or paste) arrives whole.
  process.stdin.setRawMode(true);
  let pending = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk) => {
    if (chunk.includes('\x03')) process.exit(130); // C-c
    pending += chunk;
    const parts = pending.split(/\r\n|\r|\n/);
    pending = parts.pop();
    for (const line of parts) onLine(line);
  });
  process.stdin.on('end', () => process.exit(0));
} else {
  const rl = createInterface({ input: process.stdin });
  rl.on('line', onLine);
  rl.on('close', () => process.exit(0));
}
