// Agent names, session names and ids: what is accepted, the defaults, and id uniqueness.
import { describe, expect, it } from 'vitest';
import { defaultName, nameProblem, newAgentId, sessionNameProblem } from '../../../src/core/naming.js';

describe('nameProblem', () => {
  it.each(['a', 'Z', '7', 'fix-login', 'claude-1', 'v1.2_final', 'A.b-c_d', 'x'.repeat(48), 'abcdefg', 'abcdefgh9', 'deadbeeg', 'DEADBEEF'])(
    'accepts %j', (name) => {
      expect(nameProblem(name)).toBeNull();
    });

  it('says so for an empty name', () => {
    expect(nameProblem('')).toBe('the name is empty');
  });

  it.each([
    'x'.repeat(49), '-lead', '.hidden', '_under', 'has space', 'slash/name', 'colon:name', 'semi;colon', 'tab\tname', 'new\nline',
    'ünïcode', '日本', 'emoji🤖', 'quote\'s', '#{pane_id}', 'a%b', 'a\u241eb', 'trail ',
  ])('rejects the characters or length of %j', (name) => {
    expect(nameProblem(name)).toMatch(/^a name is 1-48 characters/);
  });

  it.each(['a..b', 'x..', 'topic.lock', 'a.lock'])('rejects %j, which git refuses as a branch name', (name) => {
    expect(nameProblem(name)).toMatch(/\(it becomes a branch name\)$/);
  });

  // `git check-ref-format --branch 'fix.'` fails: a ref component may not end in '.'.
  it.each(['fix.', 'v1.'])('rejects %j, which git also refuses as a branch name (trailing dot)', (name) => {
    expect(nameProblem(name)).toMatch(/\(it becomes a branch name\)$/);
  });

  it.each(['deadbeef', '00000000', '0123abcd'])('rejects %j, which looks like an agent id', (name) => {
    expect(nameProblem(name)).toMatch(/8 hex digits/);
  });

  it('accepts every id-like name that is not exactly 8 lowercase hex digits', () => {
    expect(nameProblem('deadbee')).toBeNull();
    expect(nameProblem('deadbeef0')).toBeNull();
    expect(nameProblem('DeadBeef')).toBeNull();
  });
});

describe('defaultName', () => {
  it('is PROFILE-1 when nothing is taken', () => {
    expect(defaultName('claude', new Set())).toBe('claude-1');
  });

  it('takes the first free number, filling gaps', () => {
    expect(defaultName('claude', new Set(['claude-1', 'claude-2']))).toBe('claude-3');
    expect(defaultName('claude', new Set(['claude-1', 'claude-3']))).toBe('claude-2');
    expect(defaultName('codex', new Set(['claude-1', 'codex-2']))).toBe('codex-1');
  });

  it('gives names that nameProblem accepts', () => {
    const taken = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const n = defaultName('shell', taken);
      expect(nameProblem(n)).toBeNull();
      expect(taken.has(n)).toBe(false);
      taken.add(n);
    }
    expect(taken.has('shell-20')).toBe(true);
  });
});

describe('newAgentId', () => {
  it('is 8 lowercase hex digits', () => {
    for (let i = 0; i < 200; i++) expect(newAgentId(new Set())).toMatch(/^[0-9a-f]{8}$/);
  });

  it('never returns a taken id', () => {
    const taken = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const id = newAgentId(taken);
      expect(taken.has(id)).toBe(false);
      taken.add(id);
    }
    expect(taken.size).toBe(5000);
  });

  it('can never be confused with a valid agent name', () => {
    for (let i = 0; i < 100; i++) expect(nameProblem(newAgentId(new Set()))).toMatch(/8 hex digits/);
  });
});

describe('sessionNameProblem', () => {
  it.each(['agents', 'A_b-9', 'x'.repeat(64)])('accepts %j', (name) => {
    expect(sessionNameProblem(name)).toBeNull();
  });

  it.each(['', 'x'.repeat(65), 'a.b', 'a:b', 'a b', 'é', '=agents'])('rejects %j (tmux rewrites or targets treat it specially)', (name) => {
    expect(sessionNameProblem(name)).toBe('a session name is 1-64 letters, digits, "_" or "-"');
  });
});
