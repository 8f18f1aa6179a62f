// Field tables: one table gives the -F template and parses tmux's output rows into typed values.
import { describe, expect, it } from 'vitest';
import {
  AGENT_MARKS, FIELD_SEPARATOR, NEW_PANE, NEW_WINDOW, PANE_STATE, bool, fieldFormat, formatFor, int, optional, paneIdOf, parseRow, parseRows, str, windowIdOf,
} from '../../../src/tmux/formats.js';

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

describe('fieldFormat', () => {
  const IDS = fieldFormat({ paneId: ['pane_id', paneIdOf], windowId: ['window_id', windowIdOf], dead: ['pane_dead', bool] });

  it('gives the template and parses what it asks for', () => {
    expect(IDS.template).toBe(`#{pane_id}${S}#{window_id}${S}#{pane_dead}`);
    expect(IDS.parse(['%3', '@1', '1'].join(S))).toEqual({ paneId: '%3', windowId: '@1', dead: true });
  });

  it('takes a row with an id that is no id as malformed', () => {
    expect(IDS.parse(['@1', '%3', '0'].join(S))).toBeNull();
    expect(IDS.parse(['', '@1', '0'].join(S))).toBeNull();
  });

  it('reads the first line of a reply, or every well-formed line', () => {
    expect(IDS.first([['%3', '@1', '0'].join(S), ['%4', '@1', '0'].join(S)])).toEqual({ paneId: '%3', windowId: '@1', dead: false });
    expect(IDS.first([])).toBeNull();
    expect(IDS.all([['%3', '@1', '0'].join(S), 'noise', ['%4', '@2', '1'].join(S)]).map((r) => r.paneId)).toEqual(['%3', '%4']);
  });

  it('joins and splits on its own separator when one is given', () => {
    const state = fieldFormat({ dead: ['pane_dead', bool], status: ['pane_dead_status', int] }, '|');
    expect(state.template).toBe('#{pane_dead}|#{pane_dead_status}');
    expect(state.parse('1|')).toEqual({ dead: true, status: null });
    expect(state.parse('1|127')).toEqual({ dead: true, status: 127 });
  });

  it('has a table for every format the daemon reads, each with its own fields', () => {
    expect(NEW_PANE.template).toBe(`#{pane_id}${S}#{window_id}`);
    expect(NEW_WINDOW.template).toBe(`#{window_id}${S}#{pane_id}`);
    expect(PANE_STATE.template).toBe('#{pane_dead}|#{pane_dead_status}');
    expect(AGENT_MARKS.template).toBe(`#{@tmuxcodex-id}${S}#{@tmuxcodex-role}`);
  });
});
