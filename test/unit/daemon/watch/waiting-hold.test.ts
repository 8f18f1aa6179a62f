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

describe('WaitingHold with Claude\'s sessions file', () => {
  const at = (ms: number) => new Date(ms).toISOString();

  it('takes the newer of a hook and the file, and ignores a report older than the last one', () => {
    let clock = 10_000;
    const hold = new WaitingHold(() => clock);
    expect(hold.sessionsSaid('a', 9_000)).toBe(true);
    hold.hooked('a', 'waiting'); // arrives at 10 000
    expect(hold.sessionsSaid('a', 9_500)).toBe(false); // busy written before the hook, read late
    expect(hold.sessionsSaid('a', 10_200)).toBe(true);
    clock = 10_100;
    expect(hold.sessionsSaid('a', 10_100)).toBe(false); // older than the file already taken
  });

  it('lets the transcript set no state once the file has spoken, until the agent is forgotten', () => {
    const hold = new WaitingHold(() => 10_000);
    expect(hold.resolve('a', 'idle', 'working', at(11_000))).toBe('working');
    hold.sessionsSaid('a', 10_000);
    expect(hold.resolve('a', 'waiting', 'working', at(11_000))).toBe('waiting');
    expect(hold.resolve('a', 'idle', 'working', at(11_000))).toBe('idle');
    hold.forget('a');
    expect(hold.resolve('a', 'idle', 'working', at(11_000))).toBe('working');
  });
});
