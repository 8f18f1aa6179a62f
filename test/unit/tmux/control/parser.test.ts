// The control-mode parser, replayed on real tmux 3.3a output recorded by
// scripts/record-control-transcripts.mjs (test/fixtures/control-mode/*.txt, raw bytes), plus edge cases.
import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { ControlParser, parseNotification, unescapeOutput } from '../../../../src/tmux/control/parser.js';
import type { ControlEvent, Notification, ReplyBlock } from '../../../../src/tmux/control/events.js';

const FIXTURES = new URL('../../../fixtures/control-mode/', import.meta.url);

function fixture(name: string): Buffer {
  return readFileSync(new URL(name, FIXTURES));
}

/** The raw lines of a transcript: split on \n as bytes; tmux ends every line, including the last, with \n. */
function rawLines(name: string): Buffer[] {
  const bytes = fixture(name);
  expect(bytes[bytes.length - 1]).toBe(0x0a);
  const lines: Buffer[] = [];
  let start = 0;
  for (let i = bytes.indexOf(0x0a); i !== -1; i = bytes.indexOf(0x0a, start)) {
    lines.push(bytes.subarray(start, i));
    start = i + 1;
  }
  return lines;
}

function replay(name: string): { events: ControlEvent[]; parser: ControlParser } {
  const parser = new ControlParser();
  const events: ControlEvent[] = [];
  for (const line of rawLines(name)) events.push(...parser.pushLine(line));
  return { events, parser };
}

const isReply = (e: ControlEvent): e is ReplyBlock => e.type === 'reply';
const replies = (events: ControlEvent[]): ReplyBlock[] => events.filter(isReply);
const notifications = (events: ControlEvent[]): Notification[] => events.filter((e): e is Notification => e.type !== 'reply');
function ofType<T extends Notification['type']>(events: ControlEvent[], type: T): Extract<Notification, { type: T }>[] {
  return events.filter((e): e is Extract<Notification, { type: T }> => e.type === type);
}

/** A reply whose time and command number come from the transcript (checked against the raw lines separately). */
const reply = (flags: number, ok: boolean, lines: string[]) => ({
  type: 'reply', time: expect.any(Number), commandNumber: expect.any(Number), flags, ok, lines,
});

/** What the pane's pty turns a program's bytes into (onlcr: LF becomes CR LF). */
function onlcr(b: Buffer): Buffer {
  const out: number[] = [];
  for (const x of b) {
    if (x === 0x0a) out.push(0x0d);
    out.push(x);
  }
  return Buffer.from(out);
}

/** tmux's layout checksum (layout-custom.c layout_checksum). */
function layoutChecksum(body: string): string {
  let c = 0;
  for (const ch of Buffer.from(body, 'latin1')) c = ((c >> 1) + ((c & 1) << 15) + ch) & 0xffff;
  return c.toString(16).padStart(4, '0');
}

const TRANSCRIPTS = readdirSync(FIXTURES).filter((f) => f.endsWith('.txt')).sort();

describe('every recorded transcript', () => {
  it('has the scenarios the recording script makes', () => {
    expect(TRANSCRIPTS).toEqual([
      'a-replies.txt', 'a2-reply-lookalikes.txt', 'b-structure.txt', 'c-subscription.txt', 'd-output.txt', 'd2-extended.txt',
      'e-exit-detach.txt', 'e-exit-empty-line.txt', 'e-exit-kill-server.txt', 'e-exit-server-killed.txt', 'e-exit-stdin.txt', 'f-hooks.txt',
    ]);
  });

  it.each(TRANSCRIPTS)('%s: one reply per begin line, with its time, command number and flags, in order', (name) => {
    const begins = rawLines(name)
      .map((l) => /^%begin (\d+) (\d+) (\d+)$/.exec(l.toString('latin1')))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ time: Number(m[1]), commandNumber: Number(m[2]), flags: Number(m[3]) }));
    const got = replies(replay(name).events).map(({ time, commandNumber, flags }) => ({ time, commandNumber, flags }));
    expect(begins.length).toBeGreaterThan(0);
    expect(got).toEqual(begins);
    // the first block is the attach-session command from argv (flags 0); replies to our lines carry flags 1
    expect(got[0]!.flags).toBe(0);
  });

  it.each(TRANSCRIPTS)('%s: ends with the exit event last, outside any block', (name) => {
    const { events, parser } = replay(name);
    expect(events[events.length - 1]?.type).toBe('exit');
    expect(ofType(events, 'exit')).toHaveLength(1);
    expect(parser.inBlock).toBe(false);
  });

  it.each(TRANSCRIPTS)('%s: every layout-change carries whole layouts (checksums verify)', (name) => {
    for (const n of ofType(replay(name).events, 'layout-change')) {
      expect(n.windowId).toMatch(/^@\d+$/);
      for (const layout of [n.layout, n.visibleLayout]) {
        const [sum, body] = [layout.slice(0, 4), layout.slice(5)];
        expect(layoutChecksum(body)).toBe(sum);
      }
    }
  });
});

describe('a-replies.txt: reply blocks', () => {
  const { events } = replay('a-replies.txt');

  it('parses the whole transcript into exactly these events', () => {
    expect(events).toEqual([
      reply(0, true, []), // attach-session -f no-output,ignore-size -t =rec
      { type: 'session-changed', sessionId: '$0', name: 'rec' },
      reply(1, true, ['%0 100', '%1 99']), // list-panes: output lines that start with '%'
      reply(1, true, ['value: rec @0 \u00e9\u00e8 \ud83e\udd16']), // display -p, UTF-8 intact thanks to -u
      reply(1, true, ['one']), // `display -p one ; display -p two`: two blocks for one line
      reply(1, true, ['two']),
      reply(1, false, ['parse error: unknown command: bogus-command']),
      reply(1, false, ["can't find pane: %99"]),
      reply(1, true, ['first line', '%end 1 2 1', '%exit', '%1 not a pane', '', 'tab\there \u00e9 \\ back']),
      reply(1, true, ['']), // display -p '': one empty line
      { type: 'exit', reason: null },
    ]);
  });

  it('keeps a multi-line option value intact, including lines that look like %end and %exit', () => {
    const value = replies(events)[7]!;
    expect(value.lines.join('\n')).toBe('first line\n%end 1 2 1\n%exit\n%1 not a pane\n\ntab\there \u00e9 \\ back');
  });

  it('numbers the two blocks of one line consecutively', () => {
    const [one, two] = [replies(events)[3]!, replies(events)[4]!];
    expect([one.lines, two.lines]).toEqual([['one'], ['two']]);
    expect(two.commandNumber).toBe(one.commandNumber + 1);
  });
});

describe('a2-reply-lookalikes.txt: reply lines that look like notifications stay reply lines', () => {
  // In 3.3a the only lines tmux writes inside a %begin/%end block besides the command's output are
  // %pause/%continue (refresh-client -A). Everything else between %begin and the matching %end is
  // the command's raw output: user option values, a pane's screen.
  const { events } = replay('a2-reply-lookalikes.txt');

  it('show-options -v: a value whose lines look like notifications and %output', () => {
    expect(replies(events)[1]).toEqual(reply(1, true, ['top', '%sessions-changed', '%window-add @7', '%output %0 not output', '%session-renamed $0 fake', 'bottom']));
  });

  it('show-options -v: a value ending in CR keeps its CR (tmux ends lines with LF only)', () => {
    expect(replies(events)[2]).toEqual(reply(1, true, ['ends with cr\r']));
  });

  it('capture-pane: a screen showing control-mode lines', () => {
    expect(replies(events)[3]).toEqual(reply(1, true, ['screen top', '%layout-change @0 abcd,80x24,0,0,0 abcd,80x24,0,0,0 *', '%output %0 on screen']));
  });

  it('emits no notification taken from reply output', () => {
    expect(notifications(events)).toEqual([{ type: 'session-changed', sessionId: '$0', name: 'rec' }, { type: 'exit', reason: null }]);
  });
});

describe('b-structure.txt: structure notifications', () => {
  const { events } = replay('b-structure.txt');
  const L1 = 'cf3a,200x50,0,0{100x50,0,0,0,99x50,101,0,1}';
  const L2 = '5dd6,200x50,0,0{100x50,0,0[100x25,0,0,0,100x24,0,26,2],99x50,101,0,1}';
  const L3 = 'be53,200x50,0,0[200x24,0,0,0,200x25,0,25,1]';
  const L4 = 'd62a,120x40,0,0[120x19,0,0,0,120x20,0,20,1]';
  const L5 = 'e55b,200x50,0,0[200x25,0,0,3,200x24,0,26,5]';
  const layout = (windowId: string, l: string, visible: string, flags: string) => ({ type: 'layout-change', windowId, layout: l, visibleLayout: visible, flags });
  const client = expect.stringMatching(/^client-\d+$/);

  it('parses every notification with its fields, in order', () => {
    expect(notifications(events)).toEqual([
      { type: 'session-changed', sessionId: '$0', name: 'rec' },
      layout('@0', L1, L1, '*'), // split-window -d -h
      { type: 'window-pane-changed', windowId: '@0', paneId: '%2' }, // split-window -v (becomes active)
      layout('@0', L2, L2, '*'),
      { type: 'window-pane-changed', windowId: '@0', paneId: '%0' }, // select-pane
      layout('@0', L1, L1, '*'), // kill-pane %2
      layout('@0', L3, L3, '*'), // select-layout even-vertical: sent twice
      layout('@0', L3, L3, '*'),
      layout('@0', L4, L4, '*'), // resize-window 120x40
      { type: 'window-add', windowId: '@1', linked: true }, // new-window
      { type: 'window-renamed', windowId: '@1', name: 'renamed window', linked: true },
      { type: 'session-window-changed', sessionId: '$0', windowId: '@1' },
      { type: 'session-window-changed', sessionId: '$0', windowId: '@0' },
      { type: 'pane-mode-changed', paneId: '%0' }, // copy-mode
      { type: 'pane-mode-changed', paneId: '%0' }, // cancel
      { type: 'session-renamed', sessionId: '$0', name: 'rec renamed' },
      { type: 'session-renamed', sessionId: '$0', name: 'rec' },
      { type: 'window-add', windowId: '@2', linked: false }, // new-session other
      { type: 'sessions-changed' },
      { type: 'client-session-changed', client, sessionId: '$0', name: 'rec' }, // the second client attaches
      { type: 'client-session-changed', client, sessionId: '$1', name: 'other' }, // ... is switched
      { type: 'client-detached', client }, // ... and detached
      { type: 'session-changed', sessionId: '$1', name: 'other' }, // switch-client (ours)
      { type: 'session-changed', sessionId: '$0', name: 'rec' },
      { type: 'sessions-changed' }, // kill-session other
      { type: 'window-close', windowId: '@2', linked: false },
      layout('@1', L5, L5, '-'), // split in a window that is not current
      layout('@0', L4, 'aafd,120x40,0,0,0', '*Z'), // zoomed: the visible layout is the zoomed pane
      layout('@0', L4, L4, '*'),
      { type: 'window-close', windowId: '@1', linked: false }, // 3.3a: our own window closes as %unlinked-window-close
      { type: 'exit', reason: null },
    ]);
  });

  it('names the same other client in its session change and detach', () => {
    const names = [...ofType(events, 'client-session-changed').map((n) => n.client), ...ofType(events, 'client-detached').map((n) => n.client)];
    expect(new Set(names).size).toBe(1);
  });

  it('gives every command an empty, successful flags-1 reply', () => {
    const r = replies(events);
    expect(r).toHaveLength(25);
    expect(r.slice(1).every((b) => b.flags === 1 && b.ok && b.lines.length === 0)).toBe(true);
  });
});

describe('c-subscription.txt: subscriptions', () => {
  const { events } = replay('c-subscription.txt');
  const subs = ofType(events, 'subscription-changed');

  it('parses the first report of each subscription: session, window, pane scope, ": " and empty values', () => {
    const base = { type: 'subscription-changed', sessionId: '$0' };
    expect(subs.slice(0, 5)).toEqual([
      { ...base, name: 'colon', windowId: '@0', windowIndex: 0, paneId: null, value: 'size: 200x50' },
      { ...base, name: 'empty', windowId: '@0', windowIndex: 0, paneId: '%0', value: '' },
      { ...base, name: 'panes', windowId: '@0', windowIndex: 0, paneId: '%0', value: '%0|0|' },
      { ...base, name: 'sess', windowId: null, windowIndex: null, paneId: null, value: '1 1' },
      { ...base, name: 'win', windowId: '@0', windowIndex: 0, paneId: null, value: 'sh 1' },
    ]);
  });

  it('reports the remain-on-exit pane as dead with exit status 3, after its split', () => {
    const splitAt = events.findIndex((e) => e.type === 'layout-change');
    const pane1 = subs.filter((s) => s.name === 'panes' && s.paneId === '%1');
    expect(splitAt).toBeGreaterThan(0);
    expect(pane1[pane1.length - 1]).toEqual({ type: 'subscription-changed', name: 'panes', sessionId: '$0', windowId: '@0', windowIndex: 0, paneId: '%1', value: '%1|1|3' });
    expect(events.indexOf(pane1[0]!)).toBeGreaterThan(splitAt);
    expect(subs.filter((s) => s.name === 'win').map((s) => s.value)).toEqual(['sh 1', 'sh 2']);
  });

  it('replies to every refresh-client -B with an empty block', () => {
    expect(replies(events).map((r) => [r.flags, r.ok, r.lines.length])).toEqual([[0, true, 0], ...Array(7).fill([1, true, 0])]);
  });
});

describe('d-output.txt: %output and %pause/%continue', () => {
  const { events } = replay('d-output.txt');
  const payload = fixture('d-output.payload.bin');
  const payload3 = fixture('d-output.payload3.bin');
  const outputs = ofType(events, 'output');

  it('unescapes %output to exactly the bytes the pane printed (as its pty delivered them)', () => {
    expect(outputs.every((o) => o.paneId === '%0')).toBe(true);
    const all = Buffer.concat(outputs.map((o) => o.data));
    const expected = Buffer.concat([onlcr(payload), onlcr(Buffer.from('after continue \u2713\n')), onlcr(payload3)]);
    expect(all.equals(expected)).toBe(true);
  });

  it('keeps the escaped specials: backslash, a literal \\134, CR, ESC, tab, BEL, DEL, an invalid UTF-8 byte', () => {
    const first = outputs[0]!.data;
    for (const piece of ['back\\slash and \\134 literal\r\n', 'cr-only\rlf-only\r\ncrlf\r\r\n', 'esc:\x1b[31mred\x1b[0m tab:\tbell:\x07 del:\x7f']) {
      expect(first.includes(Buffer.from(piece, 'latin1'))).toBe(true);
    }
    expect(first.includes(Buffer.from('h\u00e9llo w\u00f6rld \u65e5\u672c \ud83e\udd16\r\n', 'utf8'))).toBe(true);
    expect(first.includes(Buffer.from([0x3a, 0xe9, 0x0d, 0x0a]))).toBe(true);
  });

  it('keeps %output data as bytes: tmux cut the 3-byte characters across lines', () => {
    const big = outputs.filter((o) => !o.data.includes(Buffer.from('after continue')) && o !== outputs[0]);
    const fatal = new TextDecoder('utf-8', { fatal: true });
    expect(big.length).toBeGreaterThan(1);
    expect(big.some((o) => { try { fatal.decode(o.data); return false; } catch { return true; } })).toBe(true);
  });

  it('emits %pause and %continue printed inside the refresh-client -A reply blocks, before those replies', () => {
    const pauseAt = events.findIndex((e) => e.type === 'pause');
    const continueAt = events.findIndex((e) => e.type === 'continue');
    expect(events[pauseAt]).toEqual({ type: 'pause', paneId: '%0' });
    expect(events[continueAt]).toEqual({ type: 'continue', paneId: '%0' });
    expect(events[pauseAt + 1]).toEqual(reply(1, true, []));
    expect(events[continueAt + 1]).toEqual(reply(1, true, []));
    // nothing reached the client while the pane was paused (the keys typed then are dropped)
    expect(events.slice(pauseAt, continueAt).some((e) => e.type === 'output')).toBe(false);
  });

  it('has no reply that swallowed a notification line', () => {
    expect(replies(events).every((r) => r.lines.length === 0)).toBe(true);
  });
});

describe('d2-extended.txt: %extended-output (pause-after)', () => {
  it('parses the pane, the age and the unescaped data', () => {
    const ext = ofType(replay('d2-extended.txt').events, 'extended-output');
    expect(ext).toHaveLength(1);
    expect(ext[0]!.paneId).toBe('%0');
    expect(ext[0]!.ageMs).toBe(0);
    expect(ext[0]!.data.equals(onlcr(fixture('d-output.payload.bin')))).toBe(true);
  });
});

describe('f-hooks.txt: hook output', () => {
  const { events } = replay('f-hooks.txt');

  it('parses the after-split-window hook block as flags 0, right after the split-window reply', () => {
    const r = replies(events);
    expect(r.map((b) => b.flags)).toEqual([0, 1, 1, 0, 1, 1, 1, 1]);
    // in 3.3a #{hook_pane} is empty in an after-split-window hook
    expect(r[3]).toEqual(reply(0, true, ['hook ran ']));
    expect(r[3]!.commandNumber).toBe(r[2]!.commandNumber + 1);
  });

  it('ignores the pane-died hook output, a bare line outside any block', () => {
    expect(rawLines('f-hooks.txt').map((l) => l.toString())).toContain('stray from pane-died %2');
    expect(events.slice(-2).map((e) => e.type)).toEqual(['layout-change', 'exit']);
    expect(JSON.stringify(events)).not.toContain('stray');
  });
});

describe('e-exit-*.txt: how a control client ends', () => {
  const tail = (name: string) => notifications(replay(name).events).filter((n) => n.type !== 'session-changed');

  it('stdin closed: %exit without a reason', () => {
    expect(tail('e-exit-stdin.txt')).toEqual([{ type: 'exit', reason: null }]);
  });
  it('an empty line: %exit without a reason', () => {
    expect(tail('e-exit-empty-line.txt')).toEqual([{ type: 'exit', reason: null }]);
  });
  it('kill-server: its reply, %sessions-changed, then %exit', () => {
    const { events } = replay('e-exit-kill-server.txt');
    expect(events.slice(-3)).toEqual([reply(1, true, []), { type: 'sessions-changed' }, { type: 'exit', reason: null }]);
  });
  it('detach-client: its reply, then %exit', () => {
    const { events } = replay('e-exit-detach.txt');
    expect(events.slice(-2)).toEqual([reply(1, true, []), { type: 'exit', reason: null }]);
  });
  it('server killed: %exit with its reason', () => {
    expect(tail('e-exit-server-killed.txt')).toEqual([{ type: 'exit', reason: 'server exited unexpectedly' }]);
  });
});

describe('unescapeOutput', () => {
  const un = (s: string) => unescapeOutput(Buffer.from(s, 'latin1'));

  it('turns \\ooo escapes into bytes', () => {
    expect(un('a\\134b\\015\\012\\033[0m\\000\\037')).toEqual(Buffer.from('a\\b\r\n\x1b[0m\x00\x1f', 'latin1'));
    expect(un('\\377')).toEqual(Buffer.from([0xff]));
  });
  it('unescapes once: an escaped backslash followed by digits stays text', () => {
    expect(un('\\134134')).toEqual(Buffer.from('\\134', 'latin1'));
  });
  it('leaves raw bytes alone: high bytes, invalid UTF-8, DEL, percent', () => {
    expect(unescapeOutput(Buffer.from([0xe9, 0xff, 0x7f, 0x25, 0xf0, 0x9f]))).toEqual(Buffer.from([0xe9, 0xff, 0x7f, 0x25, 0xf0, 0x9f]));
  });
  it('keeps a backslash that does not start a full octal escape', () => {
    expect(un('end\\')).toEqual(Buffer.from('end\\', 'latin1'));
    expect(un('x\\01')).toEqual(Buffer.from('x\\01', 'latin1'));
    expect(un('\\8\\018\\x41')).toEqual(Buffer.from('\\8\\018\\x41', 'latin1'));
  });
  it('handles an escape at the very end and an empty input', () => {
    expect(un('ab\\012')).toEqual(Buffer.from('ab\n'));
    expect(un('')).toEqual(Buffer.alloc(0));
  });
});

describe('parseNotification', () => {
  it('parses %exit with and without a reason, and nothing that merely starts with it', () => {
    expect(parseNotification('%exit')).toEqual({ type: 'exit', reason: null });
    expect(parseNotification('%exit too far behind')).toEqual({ type: 'exit', reason: 'too far behind' });
    expect(parseNotification('%exiting')).toBeNull();
  });

  it('parses %layout-change with flags, with empty flags and without the field', () => {
    expect(parseNotification('%layout-change @3 a,1x1,0,0,0 b,1x1,0,0,0 *Z')).toEqual({ type: 'layout-change', windowId: '@3', layout: 'a,1x1,0,0,0', visibleLayout: 'b,1x1,0,0,0', flags: '*Z' });
    expect(parseNotification('%layout-change @3 a b ')).toMatchObject({ layout: 'a', visibleLayout: 'b', flags: '' });
    expect(parseNotification('%layout-change @3 a b')).toMatchObject({ layout: 'a', visibleLayout: 'b', flags: '' });
  });

  it('parses linked and unlinked window notifications', () => {
    expect(parseNotification('%window-add @1')).toEqual({ type: 'window-add', windowId: '@1', linked: true });
    expect(parseNotification('%unlinked-window-add @2')).toEqual({ type: 'window-add', windowId: '@2', linked: false });
    expect(parseNotification('%window-close @1')).toEqual({ type: 'window-close', windowId: '@1', linked: true });
    expect(parseNotification('%unlinked-window-close @9')).toEqual({ type: 'window-close', windowId: '@9', linked: false });
    expect(parseNotification('%unlinked-window-renamed @2 a b: c')).toEqual({ type: 'window-renamed', windowId: '@2', name: 'a b: c', linked: false });
    expect(parseNotification('%window-renamed @2 ')).toEqual({ type: 'window-renamed', windowId: '@2', name: '', linked: true });
  });

  it('parses session and client notifications, names with spaces kept', () => {
    expect(parseNotification('%session-changed $2 my work')).toEqual({ type: 'session-changed', sessionId: '$2', name: 'my work' });
    expect(parseNotification('%session-renamed $0 a_b')).toEqual({ type: 'session-renamed', sessionId: '$0', name: 'a_b' });
    expect(parseNotification('%client-session-changed /dev/pts/1 $1 t2')).toEqual({ type: 'client-session-changed', client: '/dev/pts/1', sessionId: '$1', name: 't2' });
    expect(parseNotification('%client-detached client-123')).toEqual({ type: 'client-detached', client: 'client-123' });
    expect(parseNotification('%session-window-changed $1 @4')).toEqual({ type: 'session-window-changed', sessionId: '$1', windowId: '@4' });
    expect(parseNotification('%window-pane-changed @4 %7')).toEqual({ type: 'window-pane-changed', windowId: '@4', paneId: '%7' });
    expect(parseNotification('%pane-mode-changed %7')).toEqual({ type: 'pane-mode-changed', paneId: '%7' });
    expect(parseNotification('%sessions-changed')).toEqual({ type: 'sessions-changed' });
    expect(parseNotification('%pause %12')).toEqual({ type: 'pause', paneId: '%12' });
    expect(parseNotification('%continue %12')).toEqual({ type: 'continue', paneId: '%12' });
  });

  it('parses %subscription-changed values containing " : " and empty values', () => {
    expect(parseNotification('%subscription-changed s $0 @1 2 %3 : a : b|c')).toEqual({
      type: 'subscription-changed', name: 's', sessionId: '$0', windowId: '@1', windowIndex: 2, paneId: '%3', value: 'a : b|c',
    });
    expect(parseNotification('%subscription-changed sess $4 - - - : ')).toEqual({
      type: 'subscription-changed', name: 'sess', sessionId: '$4', windowId: null, windowIndex: null, paneId: null, value: '',
    });
  });

  it('returns null for reply output and malformed or unknown lines', () => {
    for (const line of ['%0 100', '%1 not a pane', '%begin 1 2 1', '%end 1 2 1', '%window-add @x', '%window-add', '%pause 0',
      '%sessions-changed extra', '%message hello', '%config-error x', '%paste-buffer-changed buffer0', 'plain', '']) {
      expect(parseNotification(line), line).toBeNull();
    }
  });
});

describe('ControlParser', () => {
  const push = (p: ControlParser, ...lines: string[]) => lines.flatMap((l) => p.pushLine(Buffer.from(l, 'utf8')));

  it('ends a block only on %end/%error with its own command number', () => {
    const p = new ControlParser();
    expect(push(p, '%begin 100 7 1', '%end 100 6 1', '%error 100 8 1', '%begin 100 9 1')).toEqual([]);
    expect(p.inBlock).toBe(true);
    expect(push(p, '%error 100 7 1')).toEqual([{ type: 'reply', time: 100, commandNumber: 7, flags: 1, ok: false, lines: ['%end 100 6 1', '%error 100 8 1', '%begin 100 9 1'] }]);
    expect(p.inBlock).toBe(false);
  });

  it('takes an %end with its command number but another time or flags for reply text', () => {
    // tmux writes the %begin's exact three numbers on the closing line (cmd-queue.c cmdq_guard)
    const p = new ControlParser();
    expect(push(p, '%begin 100 7 1', '%end 99 7 1', '%end 100 7 0')).toEqual([]);
    expect(push(p, '%end 100 7 1')).toEqual([{ type: 'reply', time: 100, commandNumber: 7, flags: 1, ok: true, lines: ['%end 99 7 1', '%end 100 7 0'] }]);
  });

  it('keeps %output, %exit and other notification look-alikes inside a block as reply text', () => {
    const p = new ControlParser();
    const inside = ['%output %1 hi\\012', '%exit', '%sessions-changed', '%window-add @1', '%layout-change @0 a b *'];
    expect(push(p, '%begin 1 2 1', ...inside)).toEqual([]);
    expect(push(p, '%end 1 2 1')).toEqual([reply(1, true, inside)]);
  });

  it('emits %pause inside a block at once and keeps the block open', () => {
    const p = new ControlParser();
    expect(push(p, '%begin 1 2 1', '%pause %3')).toEqual([{ type: 'pause', paneId: '%3' }]);
    expect(p.inBlock).toBe(true);
    expect(push(p, '%end 1 2 1')).toEqual([reply(1, true, [])]);
  });

  it('ignores unknown % lines and stray plain lines outside blocks', () => {
    const p = new ControlParser();
    expect(push(p, '%message hello', '%paste-buffer-changed buffer0', '%config-error /x:1: bad', 'stray line', '', '%0 100')).toEqual([]);
    expect(p.inBlock).toBe(false);
    expect(push(p, '%sessions-changed')).toEqual([{ type: 'sessions-changed' }]);
  });

  it('parses %output from bytes that are not valid UTF-8', () => {
    const p = new ControlParser();
    const line = Buffer.concat([Buffer.from('%output %5 '), Buffer.from([0xe6, 0x97]), Buffer.from('\\015\\012')]);
    expect(p.pushLine(line)).toEqual([{ type: 'output', paneId: '%5', data: Buffer.from([0xe6, 0x97, 0x0d, 0x0a]) }]);
  });

  it('keeps an empty output line of a block', () => {
    const p = new ControlParser();
    expect(push(p, '%begin 5 6 1', '', '%end 5 6 1')).toEqual([reply(1, true, [''])]);
  });
});
