// Printing helpers: aligned tables and short ages.
import { describe, expect, it } from 'vitest';
import { age, escapeControl, reportError, table } from '../../../src/cli/output.js';
import { usageError } from '../../../src/errors.js';

describe('table', () => {
  it('aligns columns under the header, two spaces apart, and ends with a newline', () => {
    expect(table(['ID', 'NAME', 'STATE'], [['0a1b2c3d', 'fix-login', 'running'], ['ffff0000', 'x', 'gone']])).toBe(
      'ID        NAME       STATE\n' +
      '0a1b2c3d  fix-login  running\n' +
      'ffff0000  x          gone\n');
  });

  it('does not pad the last column or leave trailing spaces', () => {
    const out = table(['A', 'B'], [['long value', ''], ['x', 'y']]);
    expect(out).toBe('A           B\nlong value\nx           y\n');
    for (const line of out.split('\n')) expect(line).toBe(line.trimEnd());
  });

  it('prints only the header when there are no rows', () => {
    expect(table(['ID', 'NAME'], [])).toBe('ID  NAME\n');
  });

  it('treats missing cells of a short row as empty', () => {
    expect(table(['A', 'B', 'C'], [['1']])).toBe('A  B  C\n1\n');
  });

  it('widens a column to its longest cell, header included', () => {
    const lines = table(['LONG HEADER', 'X'], [['a', '1']]).split('\n');
    expect(lines[1]).toBe('a            1');
    expect(lines[0]!.indexOf('X')).toBe(lines[1]!.indexOf('1'));
  });
});

describe('age', () => {
  const now = Date.parse('2026-06-01T12:00:00.000Z');
  const ago = (s: number) => new Date(now - s * 1000).toISOString();

  it.each([
    [0, '0s'], [1, '1s'], [45, '45s'], [89, '89s'],
    [90, '2m'], [12 * 60, '12m'], [89 * 60, '89m'],
    [90 * 60, '2h'], [3 * 3600, '3h'], [35 * 3600, '35h'],
    [36 * 3600, '2d'], [10 * 86400, '10d'], [400 * 86400, '400d'],
  ])('%i seconds ago is %s', (s, want) => {
    expect(age(ago(s), now)).toBe(want);
  });

  it('rounds to the nearest second', () => {
    expect(age(new Date(now - 1499).toISOString(), now)).toBe('1s');
    expect(age(new Date(now - 1500).toISOString(), now)).toBe('2s');
  });

  it('says 0s for a time in the future (clock skew)', () => {
    expect(age(ago(-3600), now)).toBe('0s');
  });

  it('uses the current time by default', () => {
    expect(age(new Date(Date.now() - 5000).toISOString())).toMatch(/^[5-9]s$/);
  });

  it('never prints NaN for a timestamp it cannot read (a hand-set @tmuxcodex-created)', () => {
    for (const bad of ['', 'yesterday', 'not-a-date']) expect(age(bad, now)).not.toMatch(/NaN/);
  });
});

describe('escapeControl and reportError', () => {
  it('shows control characters as \\xNN; a message keeps its line breaks and tabs', () => {
    expect(escapeControl('a\x1b[31mb\x07\x9bc\nd\te')).toBe('a\\x1b[31mb\\x07\\x9bc\\x0ad\\x09e');
    expect(escapeControl('a\x1b]2;t\x07\nb\tc', true)).toBe('a\\x1b]2;t\\x07\nb\tc');
    expect(escapeControl('plain: 日本語 🤖')).toBe('plain: 日本語 🤖');
  });

  it('prints an error naming a hostile value with its escapes shown, never raw', () => {
    const written: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((s: string) => { written.push(s); return true; }) as typeof process.stderr.write;
    try {
      expect(reportError(usageError('AGENT_NOT_FOUND', 'No agent is called "x\x1b[2Jy".', 'Hint with \x1b]0;title\x07.'), false)).toBe(2);
      expect(reportError(new Error('raw \x1b[31m error'), false)).toBe(1);
    } finally {
      process.stderr.write = write;
    }
    const out = written.join('');
    expect(out).toContain('No agent is called "x\\x1b[2Jy".');
    expect(out).toContain('Hint with \\x1b]0;title\\x07.');
    expect(out).toContain('raw \\x1b[31m error');
    expect(out).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
  });
});
