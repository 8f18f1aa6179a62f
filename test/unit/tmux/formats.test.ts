// Field tables: one table gives the -F template and parses tmux's output rows into typed values.
import { describe, expect, it } from 'vitest';
import { FIELD_SEPARATOR, bool, formatFor, int, optional, parseRow, parseRows, str } from '../../../src/tmux/formats.js';

const PANES = {
  paneId: ['pane_id', str],
  index: ['pane_index', int],
  dead: ['pane_dead', bool],
  deadStatus: ['pane_dead_status', int],
  task: ['@tmuxcodex-task', optional],
} as const;
const S = FIELD_SEPARATOR;

describe('formatFor', () => {
  it('joins #{var} for each field, in table order, with the separator', () => {
    expect(formatFor(PANES)).toBe(`#{pane_id}${S}#{pane_index}${S}#{pane_dead}${S}#{pane_dead_status}${S}#{@tmuxcodex-task}`);
  });

  it('uses a printable separator that is no ASCII character', () => {
    expect(FIELD_SEPARATOR).toBe('\u241e');
    expect(formatFor({ a: ['x', str] })).toBe('#{x}');
  });
});

describe('parseRow', () => {
  it('decodes each field with its decoder', () => {
    expect(parseRow(PANES, ['%12', '3', '1', '127', 'fix it'].join(S))).toEqual({ paneId: '%12', index: 3, dead: true, deadStatus: 127, task: 'fix it' });
  });

  it('maps empty fields to null (int, optional) or false (bool)', () => {
    expect(parseRow(PANES, ['%1', '', '', '', ''].join(S))).toEqual({ paneId: '%1', index: null, dead: false, deadStatus: null, task: null });
  });

  it('reads only "1" as true', () => {
    for (const [raw, want] of [['1', true], ['0', false], ['', false], ['yes', false], ['true', false]] as const) {
      expect(parseRow({ b: ['pane_dead', bool] }, raw)).toEqual({ b: want });
    }
  });

  it('keeps text fields exactly, spaces and unicode included', () => {
    const raw = '  spaced  日本 🤖 #{x} ';
    expect(parseRow({ s: ['v', str] }, raw)).toEqual({ s: raw });
  });

  it('is null for a line with too few or too many fields', () => {
    expect(parseRow(PANES, ['%1', '2', '0', ''].join(S))).toBeNull();
    expect(parseRow(PANES, ['%1', '2', '0', '', 'a', 'b'].join(S))).toBeNull();
    expect(parseRow(PANES, '')).toBeNull();
    expect(parseRow(PANES, `%1 2 0 0 task`)).toBeNull(); // spaces are not separators
  });

  it('is null when a value itself holds the separator (why option values are encoded)', () => {
    expect(parseRow(PANES, ['%1', '2', '0', '', `a${S}b`].join(S))).toBeNull();
  });
});

describe('parseRows', () => {
  it('parses every well-formed line and skips the rest', () => {
    const lines = [['%1', '0', '0', '', ''].join(S), 'garbage', '', ['%2', '1', '1', '0', 'x'].join(S)];
    expect(parseRows(PANES, lines)).toEqual([
      { paneId: '%1', index: 0, dead: false, deadStatus: null, task: null },
      { paneId: '%2', index: 1, dead: true, deadStatus: 0, task: 'x' },
    ]);
    expect(parseRows(PANES, [])).toEqual([]);
  });
});
