import { describe, expect, it } from 'vitest';
import { WaitingHold } from '../../../../src/daemon/watch/waiting-hold.js';

describe('WaitingHold', () => {
  const at = (ms: number) => new Date(ms).toISOString();

  it('keeps a hook\'s waiting against transcript lines written before the hook came', () => {
    const hold = new WaitingHold(() => 10_000);
    hold.hooked('a', 'waiting');
    expect(hold.resolve('a', 'waiting', 'working', at(9_990))).toBe('waiting');
    expect(hold.resolve('a', 'waiting', 'working', at(10_000))).toBe('waiting');
    expect(hold.resolve('a', 'waiting', 'working', null)).toBe('waiting');
  });

  it('gives way to a line written after the hook, and then holds no more', () => {
    const hold = new WaitingHold(() => 10_000);
    hold.hooked('a', 'waiting');
    expect(hold.resolve('a', 'waiting', 'idle', at(10_001))).toBe('idle');
    expect(hold.resolve('a', 'waiting', 'working', at(9_000))).toBe('working');
  });

  it('ends with any other hook state, and does not hold an agent that is not waiting', () => {
    const hold = new WaitingHold(() => 10_000);
    hold.hooked('a', 'waiting');
    hold.hooked('a', 'working');
    expect(hold.resolve('a', 'waiting', 'idle', at(9_000))).toBe('idle');
    hold.hooked('b', 'waiting');
    expect(hold.resolve('b', 'idle', 'working', at(9_000))).toBe('working');
    hold.hooked('c', 'waiting');
    hold.forget('c');
    expect(hold.resolve('c', 'waiting', 'working', at(9_000))).toBe('working');
  });
});
