#!/usr/bin/env node
// Records real tmux control-mode transcripts for the parser tests (test/unit/tmux/control/parser.test.ts).
//
// Usage:  node scripts/record-control-transcripts.mjs [scenario...]   (default: all; e.g. `... c d`)
//         Needs tmux on PATH (or $TMUXCODEX_TMUX); the committed fixtures were recorded with tmux 3.3a.
//         The tests only read the files; they never need tmux. Re-recording changes the %begin times,
//         command numbers and client-<pid> names, nothing the tests pin down.
//
// Every scenario runs on its own private server, so pane/window/session ids start at %0/@0/$0:
//   tmux -u -L tmuxcodex-rec-<pid>-<scenario> -f /dev/null, TMUX_TMPDIR/HOME in a temp dir, TMUX unset,
//   session made with `new-session -d -s rec -x 200 -y 50`, then a control client
//   `tmux -u -L ... -C attach-session [-f flags] -t =rec` whose stdin gets one command per line.
// The client's stdout is saved byte for byte (no decoding, no trimming) to test/fixtures/control-mode/:
//
//   a-replies.txt          -f no-output,ignore-size. list-panes -s -F '#{pane_id} #{pane_width}' (output
//                          lines start with '%'); display -p with UTF-8; `display -p one ; display -p two`
//                          (two blocks for one line); an unknown command (parse error, %error); kill-pane
//                          of a missing pane (run-time %error); show-options -p -v of a multi-line value
//                          whose lines look like `%end 1 2 1`, `%exit`, a pane id, an empty line and a tab;
//                          display -p '' (one empty line); stdin closed (%exit).
//   a2-reply-lookalikes.txt reply lines that look like notifications: show-options -v of a value with
//                          `%sessions-changed`, `%window-add @7`, `%output %0 ...`, `%session-renamed ...`
//                          lines; a value that ends in CR; capture-pane of a screen showing
//                          `%layout-change ...` and `%output ...`.
//   b-structure.txt        split-window (-d and not), select-pane, kill-pane, select-layout, resize-window,
//                          new-window, rename-window, select-window, copy-mode and cancel, rename-session
//                          (twice), new-session/kill-session of another session, a second control client
//                          that attaches, is switched to the other session and detached, switch-client
//                          there and back, split-window in a non-current window, zoom and unzoom,
//                          kill-window: %layout-change (flags *, -, *Z), %window-add,
//                          %unlinked-window-add, %unlinked-window-close (3.3a uses it for our own
//                          session's windows too), %window-renamed, %session-renamed, %sessions-changed,
//                          %session-changed, %window-pane-changed, %session-window-changed,
//                          %pane-mode-changed, %client-session-changed, %client-detached.
//   c-subscription.txt     remain-on-exit on; refresh-client -B 'panes:%*:#{pane_id}|#{pane_dead}|#{pane_dead_status}'
//                          plus a session subscription (`sess::`), a window one (`win:@*:`), one whose
//                          value holds ': ' and one whose value is empty; a pane that exits with status 3
//                          (waits, with a deadline, for `%1|1|3`); then `refresh-client -B panes`.
//   d-output.txt           default flags (pane output on). The pane cats d-output.payload.bin (UTF-8,
//                          backslash, a literal `\134`, CR, LF, CRLF, ESC, tab, BEL, DEL, an invalid UTF-8
//                          byte); refresh-client -A '%0:pause' and '%0:continue' (3.3a prints %pause and
//                          %continue inside their reply blocks); keys typed while paused (never shown);
//                          a second payload; then d-output.payload3.bin, 18 KB of 3-byte characters
//                          that tmux cuts into several %output lines in the middle of characters.
//   d2-extended.txt        -f pause-after=5: the first payload arrives as %extended-output.
//   f-hooks.txt            set-hook -g after-split-window 'display -p "hook ran #{hook_pane}"' (a
//                          `%begin ... 0` block after split-window's reply), then a pane-died hook whose
//                          display -p lands as a bare line outside any block.
//   e-exit-stdin.txt       stdin closed right after attaching: `%exit` with no reason.
//   e-exit-empty-line.txt  an empty line sent: `%exit`.
//   e-exit-kill-server.txt kill-server sent on the control connection: reply, %sessions-changed, %exit.
//   e-exit-detach.txt      detach-client sent on the control connection: reply, %exit.
//   e-exit-server-killed.txt the server SIGKILLed: `%exit server exited unexpectedly`.
//
// Waits are deadline-based (each command waits for its own %end/%error; notifications are waited
// for by pattern, panes signalled through a file), never fixed sleeps.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const OUT = fileURLToPath(new URL('../test/fixtures/control-mode/', import.meta.url));
const TMUX = process.env.TMUXCODEX_TMUX || 'tmux';

/** Bytes a pane prints in the output scenarios (kept next to the fixtures so tests can compare). */
const PAYLOAD = Buffer.concat([
  Buffer.from('plain ascii\n', 'latin1'),
  Buffer.from('utf8: h\u00e9llo w\u00f6rld \u65e5\u672c \ud83e\udd16\n', 'utf8'),
  Buffer.from('back\\slash and \\134 literal\n', 'latin1'),
  Buffer.from('cr-only\rlf-only\ncrlf\r\n', 'latin1'),
  Buffer.from('esc:\x1b[31mred\x1b[0m tab:\tbell:\x07 del:\x7f nul-free\n', 'latin1'),
  Buffer.from('percent %0 %begin %end at line start:\n%end 1 1 1\n', 'latin1'),
  Buffer.from([0x6c, 0x61, 0x74, 0x69, 0x6e, 0x31, 0x3a, 0xe9, 0x0a]), // "latin1:" + lone 0xe9 (invalid UTF-8)
]);
const PAYLOAD2 = Buffer.from('after continue \u2713\n', 'utf8');
/** 18 KB of 3-byte characters without newlines: tmux cuts %output lines at byte, not character, boundaries. */
const PAYLOAD3 = Buffer.from('\u65e5\u672c\u8a9e'.repeat(2000) + '|end\n', 'utf8');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(fn, what, timeoutMs = 8000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

class Server {
  constructor(tag) {
    this.root = mkdtempSync(join(tmpdir(), `tmuxcodex-rec-${tag}-`));
    for (const d of ['tmux', 'home']) mkdirSync(join(this.root, d), { mode: 0o700 });
    this.name = `tmuxcodex-rec-${process.pid}-${tag}`;
    this.env = { ...process.env, TMUX_TMPDIR: join(this.root, 'tmux'), HOME: join(this.root, 'home'), SHELL: '/bin/sh', LANG: 'C.UTF-8', PS1: '$ ' };
    delete this.env.TMUX;
    delete this.env.TMUX_PANE;
    this.flags = ['-u', '-L', this.name, '-f', '/dev/null'];
  }
  cli(...args) {
    return execFileSync(TMUX, [...this.flags, ...args], { env: this.env, encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] });
  }
  start(...command) {
    this.cli('new-session', '-d', '-s', 'rec', '-x', '200', '-y', '50', ...command);
  }
  file(name, data) {
    const p = join(this.root, name);
    writeFileSync(p, data);
    return p;
  }
  dispose() {
    try { this.cli('kill-server'); } catch { /* already gone */ }
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** One control client; keeps every stdout byte and frames replies just enough to wait for them. */
class Control {
  static live = [];
  constructor(server, attachFlags) {
    Control.live.push(this);
    const args = [...server.flags, '-C', 'attach-session', ...(attachFlags ? ['-f', attachFlags] : []), '-t', '=rec'];
    this.child = spawn(TMUX, args, { env: server.env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.chunks = [];
    this.stderr = '';
    this.code = undefined;
    this.child.stdout.on('data', (c) => this.chunks.push(c));
    this.child.stderr.on('data', (c) => { this.stderr += c; });
    this.exited = new Promise((r) => this.child.on('exit', (code, sig) => { this.code = code ?? sig; r(); }));
  }
  get bytes() { return Buffer.concat(this.chunks); }
  get lines() { return this.bytes.toString('latin1').split('\n'); }
  /** Number of %end/%error lines with flags 1 that close a block opened by %begin (same cmdnum). */
  repliesDone() {
    let open = null;
    let n = 0;
    for (const l of this.lines) {
      const b = /^%begin \d+ (\d+) (\d+)$/.exec(l);
      const e = /^%(?:end|error) \d+ (\d+) (\d+)$/.exec(l);
      if (!open && b) open = b[1];
      else if (open && e && e[1] === open) { if (e[2] === '1') n++; open = null; }
    }
    return n;
  }
  async attached() {
    await until(() => /^%(end|error) \d+ \d+ 0$/m.test(this.bytes.toString('latin1')), 'the attach block');
  }
  /** Sends one line and waits until its reply block (flags 1) has ended. */
  async cmd(line, expectedBlocks = 1) {
    const before = this.repliesDone();
    this.child.stdin.write(line + '\n');
    await until(() => this.repliesDone() >= before + expectedBlocks, `the reply to ${line}`);
  }
  send(raw) { this.child.stdin.write(raw); }
  async waitLine(re, what) {
    return until(() => this.lines.find((l) => re.test(l)), what ?? String(re));
  }
  async close() {
    this.child.stdin.end();
    return this.waitExit();
  }
  async waitExit(ms = 8000) {
    const t = setTimeout(() => this.child.kill('SIGTERM'), ms);
    await this.exited;
    clearTimeout(t);
  }
  save(name) {
    writeFileSync(join(OUT, name), this.bytes);
    console.log(`${name}: ${this.bytes.length} bytes, ${this.lines.length - 1} lines, client exit ${this.code}${this.stderr ? `, stderr ${JSON.stringify(this.stderr)}` : ''}`);
  }
}

async function scenario(tag, fn) {
  if (!scenarioFilter(tag)) return;
  const server = new Server(tag);
  try {
    await fn(server);
  } catch (e) {
    for (const c of Control.live) process.stderr.write(`--- ${tag} client output so far:\n${c.bytes.toString('latin1')}\n`);
    throw e;
  } finally {
    Control.live = [];
    server.dispose();
  }
}

const only = process.argv.slice(2);
const scenarioFilter = (tag) => only.length === 0 || only.includes(tag);

// a) replies: '%' output lines, display, two blocks on one line, parse error, run-time error, multi-line value.
await scenario('a', async (s) => {
  s.start();
  s.cli('split-window', '-d', '-t', '=rec:', '-h');
  s.cli('set-option', '-p', '-t', '%0', '@x', 'first line\n%end 1 2 1\n%exit\n%1 not a pane\n\ntab\there \u00e9 \\ back');
  const c = new Control(s, 'no-output,ignore-size');
  await c.attached();
  await c.cmd("list-panes -s -F '#{pane_id} #{pane_width}'");
  await c.cmd("display -p 'value: #{session_name} #{window_id} \u00e9\u00e8 \ud83e\udd16'");
  await c.cmd("display -p one ; display -p two", 2);
  await c.cmd('bogus-command -x');
  await c.cmd("kill-pane -t '%99'");
  await c.cmd("show-options -p -v -t '%0' @x");
  await c.cmd("display -p ''");
  await c.close();
  c.save('a-replies.txt');
});

// a2) reply lines that look like notifications (user data, a pane's screen), and a line ending in CR.
await scenario('a2', async (s) => {
  s.start('sleep 600');
  s.cli('set-option', '-p', '-t', '%0', '@x', 'top\n%sessions-changed\n%window-add @7\n%output %0 not output\n%session-renamed $0 fake\nbottom');
  s.cli('set-option', '-p', '-t', '%0', '@cr', 'ends with cr\r');
  s.cli('respawn-pane', '-k', '-t', '%0', "printf 'screen top\\n%%layout-change @0 abcd,80x24,0,0,0 abcd,80x24,0,0,0 *\\n%%output %%0 on screen\\n'; exec sleep 600");
  const c = new Control(s, 'no-output,ignore-size');
  await c.attached();
  await c.cmd("show-options -p -v -t '%0' @x");
  await c.cmd("show-options -p -v -t '%0' @cr");
  for (const deadline = Date.now() + 8000; ;) { // the pane's printf may not have run yet
    await c.cmd("capture-pane -p -t '%0' -S 0 -E 2");
    if (c.lines.some((l) => l === '%output %0 on screen')) break;
    if (Date.now() > deadline) throw new Error('timed out waiting for the pane to print');
    await sleep(50);
  }
  await c.close();
  c.save('a2-reply-lookalikes.txt');
});

// b) structure notifications.
await scenario('b', async (s) => {
  s.start();
  const c = new Control(s, 'no-output,ignore-size');
  await c.attached();
  await c.cmd("split-window -d -h -t '%0'");
  await c.cmd("split-window -v -t '%0'"); // not -d: the new pane becomes active
  await c.cmd("select-pane -t '%0'");
  await c.cmd("kill-pane -t '%2'");
  await c.cmd("select-layout -t '@0' even-vertical");
  await c.cmd("resize-window -t '@0' -x 120 -y 40");
  await c.cmd("new-window -d -n second -t '=rec:'");
  await c.cmd("rename-window -t '@1' -- 'renamed window'");
  await c.cmd("select-window -t '@1'");
  await c.cmd("select-window -t '@0'");
  await c.cmd("copy-mode -t '%0'");
  await c.cmd("send-keys -X -t '%0' cancel");
  await c.cmd("rename-session -t '=rec' 'rec renamed'");
  await c.cmd("rename-session -t '=rec renamed' rec");
  await c.cmd('new-session -d -s other -x 80 -y 24');
  // a second control client, switched to the other session and detached
  const other = new Control(s, 'no-output,ignore-size');
  await other.attached();
  const name = s.cli('list-clients', '-F', '#{client_pid} #{client_name}').split('\n').find((l) => l.startsWith(`${other.child.pid} `))?.split(' ')[1];
  if (!name) throw new Error('second client not found');
  await c.cmd(`switch-client -c '${name}' -t '=other'`);
  await c.cmd(`detach-client -t '${name}'`);
  await other.waitExit();
  await c.cmd("switch-client -t '=other'");
  await c.cmd("switch-client -t '=rec'");
  await c.cmd("kill-session -t '=other'");
  await c.cmd("split-window -d -t '@1'"); // a window that is not the current one: layout flags '-'
  await c.cmd("resize-pane -Z -t '%0'"); // zoomed: flags '*Z'
  await c.cmd("resize-pane -Z -t '%0'");
  await c.cmd("kill-window -t '@1'");
  await c.close();
  c.save('b-structure.txt');
});

// c) subscriptions, and a remain-on-exit pane that exits with status 3.
// tmux 3.3a sometimes never records a dead pane's exit status (pane_dead=1, pane_dead_status and
// pane_dead_time stay empty, also in list-panes): then the report is `%1|1|` and this scenario retries.
for (let attempt = 1; ; attempt++) {
  let gotStatus = false;
  await scenario('c', async (s) => {
    s.start();
    s.cli('set-option', '-g', 'remain-on-exit', 'on');
    const c = new Control(s, 'no-output,ignore-size');
    await c.attached();
    await c.cmd("refresh-client -B 'panes:%*:#{pane_id}|#{pane_dead}|#{pane_dead_status}'");
    await c.cmd("refresh-client -B 'sess::#{session_windows} #{session_attached}'");
    await c.cmd("refresh-client -B 'win:@*:#{window_name} #{window_panes}'");
    await c.cmd("refresh-client -B 'colon:@0:size: #{window_width}x#{window_height}'");
    await c.cmd("refresh-client -B 'empty:%0:#{@unset_option}'");
    await c.waitLine(/^%subscription-changed panes .* : %0\|0\|$/, 'the first pane report');
    await c.cmd("split-window -d -t '%0' 'sleep 0.3; exit 3'");
    await c.waitLine(/^%subscription-changed panes .* : %1\|1\|/, 'the dead pane report');
    try {
      await c.waitLine(/^%subscription-changed panes .* : %1\|1\|3$/, 'the dead pane report with its status');
      gotStatus = true;
    } catch (e) {
      if (attempt >= 6) throw e;
      console.log(`c: attempt ${attempt}: tmux reported the dead pane without an exit status; retrying`);
      await c.close();
      return;
    }
    await c.cmd('refresh-client -B panes');
    await c.close();
    c.save('c-subscription.txt');
  });
  if (gotStatus || !scenarioFilter('c')) break;
}

// d) pane output with escaping, and %pause/%continue inside a reply block.
await scenario('d', async (s) => {
  writeFileSync(join(OUT, 'd-output.payload.bin'), PAYLOAD);
  writeFileSync(join(OUT, 'd-output.payload3.bin'), PAYLOAD3);
  const p1 = s.file('payload.bin', PAYLOAD);
  const p2 = s.file('payload2.bin', PAYLOAD2);
  const go = s.file('go', '');
  s.start('sleep 600');
  const c = new Control(s, null);
  await c.attached();
  // the pane waits for a file, so its output starts only once the client is attached
  await c.cmd(`respawn-pane -k -t '%0' 'while [ ! -s ${go} ]; do sleep 0.05; done; cat ${p1}; exec sleep 600'`);
  writeFileSync(go, 'x');
  const lastLine = '%output %0 latin1:\xe9\\015\\012';
  await until(() => c.lines.some((l) => l.endsWith('latin1:\xe9\\015\\012')), `the payload's last line (${lastLine})`);
  await c.cmd("refresh-client -A '%0:pause'");
  await c.cmd(`send-keys -t '%0' -l 'typed while paused'`);
  await c.cmd("refresh-client -A '%0:continue'");
  await c.cmd(`respawn-pane -k -t '%0' 'cat ${p2}; exec sleep 600'`);
  await until(() => c.lines.some((l) => l.includes('after continue')), 'the second payload');
  const p3 = s.file('payload3.bin', PAYLOAD3);
  await c.cmd(`respawn-pane -k -t '%0' 'cat ${p3}; exec sleep 600'`);
  await until(() => c.lines.some((l) => l.endsWith('|end\\015\\012')), 'the third payload');
  await c.close();
  c.save('d-output.txt');
});

// d2) the same payload as %extended-output (pause-after set).
await scenario('d2', async (s) => {
  const p1 = s.file('payload.bin', PAYLOAD);
  const go = s.file('go', '');
  s.start('sleep 600');
  const c = new Control(s, 'pause-after=5');
  await c.attached();
  await c.cmd(`respawn-pane -k -t '%0' 'while [ ! -s ${go} ]; do sleep 0.05; done; cat ${p1}; exec sleep 600'`);
  writeFileSync(go, 'x');
  await until(() => c.lines.some((l) => l.endsWith('latin1:\xe9\\015\\012')), 'the payload as %extended-output');
  await c.close();
  c.save('d2-extended.txt');
});

// f) hooks: a flags-0 block after split-window, and a stray line from a pane-died hook.
await scenario('f', async (s) => {
  s.start();
  const c = new Control(s, 'no-output,ignore-size');
  await c.attached();
  await c.cmd("set-hook -g after-split-window 'display -p \"hook ran #{hook_pane}\"'");
  await c.cmd("split-window -d -t '%0'");
  await c.waitLine(/^hook ran/, 'the after-split-window hook output');
  await c.cmd("set-hook -gu after-split-window");
  await c.cmd('set-option -g remain-on-exit on');
  await c.cmd("set-hook -g pane-died 'display -p \"stray from pane-died #{hook_pane}\"'");
  await c.cmd("split-window -d -t '%0' 'exit 0'");
  await c.waitLine(/stray from pane-died/, 'the pane-died hook output');
  await c.close();
  c.save('f-hooks.txt');
});

// e) the ways a control client ends.
await scenario('e1', async (s) => {
  s.start();
  const c = new Control(s, 'no-output,ignore-size');
  await c.attached();
  await c.close();
  c.save('e-exit-stdin.txt');
});
await scenario('e2', async (s) => {
  s.start();
  const c = new Control(s, 'no-output,ignore-size');
  await c.attached();
  c.send('\n');
  await c.waitExit();
  c.save('e-exit-empty-line.txt');
});
await scenario('e3', async (s) => {
  s.start();
  const c = new Control(s, 'no-output,ignore-size');
  await c.attached();
  c.send('kill-server\n');
  await c.waitExit();
  c.save('e-exit-kill-server.txt');
});
await scenario('e4', async (s) => {
  s.start();
  const c = new Control(s, 'no-output,ignore-size');
  await c.attached();
  c.send('detach-client\n');
  await c.waitExit();
  c.save('e-exit-detach.txt');
});
await scenario('e5', async (s) => {
  s.start();
  const pid = Number(s.cli('display', '-p', '#{pid}').trim());
  const c = new Control(s, 'no-output,ignore-size');
  await c.attached();
  process.kill(pid, 'SIGKILL');
  await c.waitExit();
  c.save('e-exit-server-killed.txt');
});
