// Agent records and their pane-option form: hostile values survive encoding, and a record stored on a
// pane comes back as the same record.
import { describe, expect, it } from 'vitest';
import type { AgentRecord } from '../../../src/core/agent.js';
import {
  PANE_META, ROLE_OPTION, decodeOptionValue, encodeOptionValue, recordFromPane, recordToPaneMeta,
  type PaneMetaKey,
} from '../../../src/tmux/agent-options.js';
import { FIELD_SEPARATOR, formatFor, parseRow, str } from '../../../src/tmux/formats.js';
import { paneId, windowId } from '../../../src/tmux/ids.js';

const HOSTILE = [
  '', 'plain words', 'line one\nline two\n', 'cr\r\nlf', '\t tabs \t', 'nul\0byte', 'del\x7f', 'esc \x1b[31mred\x1b[0m', 'bell\x07',
  '%', '%%', '100%', '%41', '%25', '%zz', 'already%20encoded', '%E2%90%9E', 'trailing %',
  '\u241e', `a${FIELD_SEPARATOR}b${FIELD_SEPARATOR}`, '日本語のタスク', 'emoji 🤖🧪', 'combining é (e\u0301)', 'rtl \u202eabc',
  'zero\u200bwidth', 'line\u2028sep', 'lone \ud800 surrogate', "quotes ' \" `", 'tmux #{pane_id} #(touch x) ;', '\\ back\\slash \\n',
  'x'.repeat(10_000) + '\n' + '%'.repeat(100),
];

/** A deterministic mix of the characters that matter, for many random-looking strings. */
function* fuzzStrings(count: number): Generator<string> {
  const alphabet = ['a', ' ', '%', '2', '5', 'E', '\n', '\r', '\t', '\0', '\x1f', '\x7f', '\u241e', '日', '🤖', '\ud800', '#', ';', "'", '\\'];
  let seed = 12345;
  const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
  for (let i = 0; i < count; i++) {
    let s = '';
    for (let k = rnd(24); k > 0; k--) s += alphabet[rnd(alphabet.length)]!;
    yield s;
  }
}

describe('encodeOptionValue / decodeOptionValue', () => {
  it.each(HOSTILE.map((s) => [JSON.stringify(s).slice(0, 60), s]))('round-trips %s', (_label, s) => {
    const enc = encodeOptionValue(s);
    expect(decodeOptionValue(enc)).toBe(s);
  });

  it('leaves no control character, no field separator and no bare % in the encoded value', () => {
    for (const s of [...HOSTILE, ...fuzzStrings(2000)]) {
      const enc = encodeOptionValue(s);
      expect(enc).not.toMatch(/[\x00-\x1f\x7f\u241e]/);
      expect(enc.replace(/%[0-9A-F]{2}/g, '')).not.toContain('%');
      expect(decodeOptionValue(enc)).toBe(s);
    }
  });

  it('keeps ordinary text, including non-ASCII, as it is', () => {
    for (const s of ['fix the login bug', '日本語', 'emoji 🤖', "it's \"quoted\" #{x}"]) expect(encodeOptionValue(s)).toBe(s);
  });

  it('encodes exactly the framing characters', () => {
    expect(encodeOptionValue('a\nb')).toBe('a%0Ab');
    expect(encodeOptionValue('50%')).toBe('50%25');
    expect(encodeOptionValue('\u241e')).toBe('%E2%90%9E');
    expect(encodeOptionValue('\0\x7f')).toBe('%00%7F');
  });

  it('keeps a value set by hand that is not valid percent-encoding as it is', () => {
    expect(decodeOptionValue('100%')).toBe('100%');
    expect(decodeOptionValue('%zz')).toBe('%zz');
    expect(decodeOptionValue('%E2%90')).toBe('%E2%90'); // a cut UTF-8 sequence
  });

  it('makes any value safe to carry in a formatFor row', () => {
    const table = { a: ['pane_id', str], task: ['@tmuxcodex-task', str], b: ['window_id', str] } as const;
    expect(formatFor(table)).toBe(`#{pane_id}${FIELD_SEPARATOR}#{@tmuxcodex-task}${FIELD_SEPARATOR}#{window_id}`);
    for (const s of [...HOSTILE, ...fuzzStrings(500)]) {
      const enc = encodeOptionValue(s);
      const line = ['%1', enc, '@2'].join(FIELD_SEPARATOR);
      expect(line.split('\n')).toHaveLength(1); // one line of list output per pane
      const row = parseRow(table, line);
      expect(row).not.toBeNull();
      expect(decodeOptionValue(row!.task)).toBe(s);
      expect([row!.a, row!.b]).toEqual(['%1', '@2']);
    }
  });
});

const PANE = { paneId: paneId('%7'), windowId: windowId('@3'), session: 'agents', dead: false, deadStatus: null };

function fullRecord(): AgentRecord {
  return {
    id: '0a1b2c3d', name: 'fix-login', profile: 'claude', paneId: paneId('%7'), windowId: windowId('@3'), session: 'agents',
    cwd: '/work/wt/fix-login', worktree: { path: '/work/wt/fix-login', mode: 'new' }, branch: 'agents/fix-login', base: 'main',
    target: 'release', parentId: 'ffff0000', task: 'Fix the login bug.\nThen run the tests; report 100% \u241e done 🤖',
    createdAt: '2026-01-02T03:04:05.678Z', sessionId: 'sess-123', transcriptPath: '/home/dev/.claude/projects/-work-wt-fix-login/sess-123.jsonl', state: 'running', exitCode: null,
    ports: [4100, 4101], source: '/work/main', deps: [{ dir: 'node_modules', key: '0123456789abcdef' }], branchCreated: true, fix: { forAgent: 'ffff0000', toAll: true, propagatedTip: 'abc123' }, pr: { url: 'https://github.com/o/r/pull/7', base: 'release' }, context: null, contextWindow: 1_000_000, model: 'claude-opus-4-8[1m]', transcriptFormat: 'claude', launch: { argv: ['claude', '--model', 'opus'], taskPrefix: ['--'], env: { FOO: 'bar baz' } },
    conversation: { startedAt: null, lastActivityAt: null, turns: 0, compactions: 0, freshStartedAt: null, lineage: ['old-session-1', 'old-session-2'] }, git: null,
  };
}

function minimalRecord(): AgentRecord {
  return {
    id: '12345678', name: 'sh-1', profile: 'shell', paneId: paneId('%7'), windowId: windowId('@3'), session: 'agents', cwd: '/tmp/x',
    worktree: null, branch: null, base: null, target: null, parentId: null, task: null, createdAt: '2026-05-06T07:08:09.000Z',
    sessionId: null, transcriptPath: null, state: 'running', exitCode: null, ports: [], source: null, deps: [], branchCreated: false, fix: null, pr: null, context: null, contextWindow: null, model: null, transcriptFormat: null, launch: null, conversation: null, git: null,
  };
}

/** What spawn.ts stores and pane-query.ts reads back: each value encoded on the pane, decoded when read. */
function throughPane(meta: Partial<Record<PaneMetaKey, string>>): Partial<Record<PaneMetaKey, string>> {
  const stored = Object.fromEntries(Object.entries(meta).map(([k, v]) => [PANE_META[k as PaneMetaKey], encodeOptionValue(v!)]));
  for (const v of Object.values(stored)) expect(v).not.toMatch(/[\n\u241e]/);
  const back: Partial<Record<PaneMetaKey, string>> = {};
  for (const [k, opt] of Object.entries(PANE_META)) if (stored[opt]) back[k as PaneMetaKey] = decodeOptionValue(stored[opt]!);
  return back;
}

describe('recordToPaneMeta / recordFromPane', () => {
  it('round-trips a record with every field set', () => {
    const r = fullRecord();
    expect(recordFromPane(recordToPaneMeta(r), PANE)).toEqual(r);
    expect(recordFromPane(throughPane(recordToPaneMeta(r)), PANE)).toEqual(r);
  });

  it('round-trips a record with every optional field null, storing none of them', () => {
    const r = minimalRecord();
    const meta = recordToPaneMeta(r);
    expect(Object.keys(meta).sort()).toEqual(['created', 'cwd', 'id', 'name', 'profile']);
    expect(recordFromPane(meta, PANE)).toEqual(r);
    expect(recordFromPane(throughPane(meta), PANE)).toEqual(r);
  });

  it.each(['new', 'shared', 'existing'] as const)('keeps worktree mode %s', (mode) => {
    const r = { ...fullRecord(), worktree: { path: '/w', mode } };
    expect(recordFromPane(recordToPaneMeta(r), PANE)!.worktree).toEqual({ path: '/w', mode });
  });

  it('round-trips hostile text in every string field', () => {
    for (const s of HOSTILE.filter((h) => h !== '')) {
      const r: AgentRecord = { ...fullRecord(), task: s, cwd: `/tmp/${s}`, branch: s, base: s, target: s, sessionId: s, worktree: { path: s, mode: 'existing' } };
      expect(recordFromPane(throughPane(recordToPaneMeta(r)), PANE)).toEqual(r);
    }
  });

  it('takes the pane\'s identity and liveness from tmux, not from the metadata', () => {
    const r = recordFromPane(recordToPaneMeta(fullRecord()), { paneId: paneId('%99'), windowId: windowId('@9'), session: 'other', dead: true, deadStatus: 3 });
    expect(r).toMatchObject({ paneId: '%99', windowId: '@9', session: 'other', state: 'exited', exitCode: 3 });
    expect(recordFromPane(recordToPaneMeta(fullRecord()), { ...PANE, dead: true, deadStatus: null })).toMatchObject({ state: 'exited', exitCode: null });
  });

  it('is null for a pane that is not an agent', () => {
    expect(recordFromPane({}, PANE)).toBeNull();
    expect(recordFromPane({ id: '12345678' }, PANE)).toBeNull();
    expect(recordFromPane({ name: 'x' }, PANE)).toBeNull();
    expect(recordFromPane({ id: '', name: 'x' }, PANE)).toBeNull();
  });

  it('fills what a hand-made pane lacks with safe defaults', () => {
    expect(recordFromPane({ id: 'abcdef01', name: 'n', worktree: '/w', worktreeMode: 'bogus' }, PANE)).toEqual({
      id: 'abcdef01', name: 'n', profile: 'shell', paneId: paneId('%7'), windowId: windowId('@3'), session: 'agents', cwd: '/w',
      worktree: { path: '/w', mode: 'shared' }, branch: null, base: null, target: null, parentId: null, task: null,
      createdAt: '1970-01-01T00:00:00.000Z', sessionId: null, transcriptPath: null, state: 'running', exitCode: null, ports: [], source: null, deps: [], branchCreated: false, fix: null, pr: null, context: null, contextWindow: null, model: null, transcriptFormat: null, launch: null, conversation: null, git: null,
    });
    expect(recordFromPane({ id: 'abcdef01', name: 'n' }, PANE)!.cwd).toBe('');
  });

  it('uses distinct @tmuxcodex- user options for every field', () => {
    const names = [...Object.values(PANE_META), ROLE_OPTION];
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^@tmuxcodex-[a-z-]+$/);
  });
});
