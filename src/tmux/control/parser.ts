// A pure parser for tmux control-mode output: lines in, typed events out. No I/O.
import type { ControlEvent, Notification } from './events.js';
import type { PaneId, SessionId, WindowId } from '../ids.js';

const BEGIN = /^%begin (\d+) (\d+) (\d+)$/;
const END = /^%(end|error) (\d+) (\d+) (\d+)$/;
/**
 * The only notifications tmux 3.3a writes inside a reply block: %pause/%continue caused by the
 * refresh-client -A being answered (seen). Commands run synchronously, so other notifications
 * queue until after %end; any other line inside a block is reply text, even one that looks like
 * a notification (a multi-line option value may contain "%sessions-changed").
 */
const IN_BLOCK_NOTIFICATION = /^%(pause|continue) %\d+$/;

/** Notification forms, strict enough that reply output (e.g. `%0` pane ids) is never taken for one. */
const NOTIFICATIONS: ReadonlyArray<[RegExp, (m: RegExpMatchArray) => Notification]> = [
  [/^%pause (%\d+)$/, (m) => ({ type: 'pause', paneId: m[1]! as PaneId })],
  [/^%continue (%\d+)$/, (m) => ({ type: 'continue', paneId: m[1]! as PaneId })],
  [/^%layout-change (@\d+) (\S+) (\S+) ?(\S*)$/, (m) => ({ type: 'layout-change', windowId: m[1]! as WindowId, layout: m[2]!, visibleLayout: m[3]!, flags: m[4]! })],
  [/^%(unlinked-)?window-add (@\d+)$/, (m) => ({ type: 'window-add', windowId: m[2]! as WindowId, linked: !m[1] })],
  [/^%(unlinked-)?window-close (@\d+)$/, (m) => ({ type: 'window-close', windowId: m[2]! as WindowId, linked: !m[1] })],
  [/^%(unlinked-)?window-renamed (@\d+) (.*)$/s, (m) => ({ type: 'window-renamed', windowId: m[2]! as WindowId, name: m[3]!, linked: !m[1] })],
  [/^%window-pane-changed (@\d+) (%\d+)$/, (m) => ({ type: 'window-pane-changed', windowId: m[1]! as WindowId, paneId: m[2]! as PaneId })],
  [/^%pane-mode-changed (%\d+)$/, (m) => ({ type: 'pane-mode-changed', paneId: m[1]! as PaneId })],
  [/^%session-window-changed (\$\d+) (@\d+)$/, (m) => ({ type: 'session-window-changed', sessionId: m[1]! as SessionId, windowId: m[2]! as WindowId })],
  [/^%session-changed (\$\d+) (.*)$/s, (m) => ({ type: 'session-changed', sessionId: m[1]! as SessionId, name: m[2]! })],
  [/^%client-session-changed (\S+) (\$\d+) (.*)$/s, (m) => ({ type: 'client-session-changed', client: m[1]!, sessionId: m[2]! as SessionId, name: m[3]! })],
  [/^%client-detached (\S+)$/, (m) => ({ type: 'client-detached', client: m[1]! })],
  [/^%session-renamed (\$\d+) (.*)$/s, (m) => ({ type: 'session-renamed', sessionId: m[1]! as SessionId, name: m[2]! })],
  [/^%sessions-changed$/, () => ({ type: 'sessions-changed' })],
  [
    /^%subscription-changed (\S+) (\$\d+) (@\d+|-) (\d+|-) (%\d+|-) ?(?:[^:]*?): (.*)$/s,
    (m) => ({
      type: 'subscription-changed', name: m[1]!, sessionId: m[2]! as SessionId,
      windowId: m[3] === '-' ? null : m[3]! as WindowId, windowIndex: m[4] === '-' ? null : Number(m[4]),
      paneId: m[5] === '-' ? null : m[5]! as PaneId, value: m[6]!,
    }),
  ],
];

/** Turns tmux's `\ooo` escapes in %output data back into the raw bytes. */
export function unescapeOutput(data: Buffer): Buffer {
  const out = Buffer.alloc(data.length);
  let n = 0;
  for (let i = 0; i < data.length; i++) {
    const b = data[i]!;
    if (b === 0x5c && i + 3 < data.length && isOctal(data[i + 1]) && isOctal(data[i + 2]) && isOctal(data[i + 3])) {
      out[n++] = ((data[i + 1]! - 48) << 6) | ((data[i + 2]! - 48) << 3) | (data[i + 3]! - 48);
      i += 3;
    } else out[n++] = b;
  }
  return out.subarray(0, n);
}

function isOctal(b: number | undefined): boolean {
  return b !== undefined && b >= 48 && b <= 55;
}

/** Parses %output / %extended-output lines, which carry raw bytes rather than text. */
function parseOutputLine(line: Buffer): Notification | null {
  const head = line.subarray(0, Math.min(line.length, 64)).toString('latin1');
  let m = /^%output (%\d+) /.exec(head);
  if (m) return { type: 'output', paneId: m[1]! as PaneId, data: unescapeOutput(line.subarray(m[0].length)) };
  m = /^%extended-output (%\d+) (\d+)[^:]*: /.exec(head);
  if (m) return { type: 'extended-output', paneId: m[1]! as PaneId, ageMs: Number(m[2]), data: unescapeOutput(line.subarray(m[0].length)) };
  return null;
}

/** Parses one notification line (text), or null for an unknown or non-notification line. */
export function parseNotification(line: string): Notification | null {
  if (line.startsWith('%exit')) {
    if (line === '%exit') return { type: 'exit', reason: null };
    if (line.startsWith('%exit ')) return { type: 'exit', reason: line.slice(6) };
    return null;
  }
  for (const [re, build] of NOTIFICATIONS) {
    const m = re.exec(line);
    if (m) return build(m);
  }
  return null;
}

/**
 * Stateful framing: feed it lines (without the trailing newline) and get events.
 * A reply block ends only on %end/%error with the same time, command number and flags as its
 * %begin, because reply output lines are raw and may themselves start with '%'. The %pause and
 * %continue that tmux 3.3a interleaves inside a block are emitted at once, not kept as output.
 */
export class ControlParser {
  private block: { time: number; commandNumber: number; flags: number; lines: string[] } | null = null;

  /** True while a reply block is open. */
  get inBlock(): boolean {
    return this.block !== null;
  }

  /** Feeds one line as bytes; returns the events it completes. */
  pushLine(raw: Buffer): ControlEvent[] {
    // Output lines carry raw bytes; inside a reply block a line is reply text, whatever it starts with.
    if (!this.block && raw[0] === 0x25 /* % */) {
      const output = parseOutputLine(raw);
      if (output) return [output];
    }
    return this.pushText(raw.toString('utf8'));
  }

  /** Feeds one line as text; returns the events it completes. */
  pushText(line: string): ControlEvent[] {
    if (this.block) {
      const end = END.exec(line);
      if (end && Number(end[2]) === this.block.time && Number(end[3]) === this.block.commandNumber && Number(end[4]) === this.block.flags) {
        const b = this.block;
        this.block = null;
        return [{ type: 'reply', time: b.time, commandNumber: b.commandNumber, flags: b.flags, ok: end[1] === 'end', lines: b.lines }];
      }
      const note = IN_BLOCK_NOTIFICATION.test(line) ? parseNotification(line) : null;
      if (note) return [note];
      this.block.lines.push(line);
      return [];
    }
    const begin = BEGIN.exec(line);
    if (begin) {
      this.block = { time: Number(begin[1]), commandNumber: Number(begin[2]), flags: Number(begin[3]), lines: [] };
      return [];
    }
    if (!line.startsWith('%')) return []; // stray output of a hook's display -p lands outside any block
    const note = parseNotification(line);
    return note ? [note] : [];
  }

}
