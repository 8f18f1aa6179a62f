// "Did you mean": the nearest command to a mistyped word, or nothing when no command is near.
import { describe, expect, it } from 'vitest';
import { editDistance, nearest } from '../../../src/cli/suggest.js';
import { COMMAND_WORDS, unknownCommand } from '../../../src/cli/command-table.js';

describe('editDistance', () => {
  it('counts inserts, deletes, changes and swapped neighbours as one each', () => {
    expect(editDistance('list', 'list')).toBe(0);
    expect(editDistance('lst', 'list')).toBe(1);
    expect(editDistance('lisst', 'list')).toBe(1);
    expect(editDistance('lest', 'list')).toBe(1);
    expect(editDistance('spwan', 'spawn')).toBe(1);
    expect(editDistance('', 'map')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});

describe('nearest', () => {
  it.each([
    ['spwan', 'spawn'], ['lst', 'list'], ['dameon', 'daemon'], ['attahc', 'attach'], ['mapp', 'map'],
    ['propogate', 'propagate'], ['resurect', 'resurrect'], ['sp', 'spawn'], ['status', 'status-segment'],
  ])('%s -> %s', (word, expected) => {
    expect(nearest(word, COMMAND_WORDS)).toBe(expected);
  });

  it('suggests nothing for a word far from every command', () => {
    for (const word of ['frobnicate', 'z', 'shipp', 'xyzzy']) expect(nearest(word, COMMAND_WORDS), word).toBeNull();
  });
});

describe('unknownCommand', () => {
  it('is a usage error naming the word and the nearest command', () => {
    const e = unknownCommand('spwan');
    expect(e.exitCode).toBe(2);
    expect(e.code).toBe('UNKNOWN_COMMAND');
    expect(e.message).toBe('Unknown command "spwan". Did you mean `spawn`?');
    expect(e.hint).toMatch(/tmuxcodex --help/);
  });
});
