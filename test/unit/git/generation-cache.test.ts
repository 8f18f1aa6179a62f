// The map's bounded cache: answers survive while read, memory stays under twice the limit.
import { describe, expect, it } from 'vitest';
import { GenerationCache } from '../../../src/git/generation-cache.js';

describe('GenerationCache', () => {
  it('keeps what fits, and drops the older generation whole when the newer fills up', () => {
    const c = new GenerationCache<number>(3);
    for (const k of ['a', 'b', 'c']) c.set(k, k.charCodeAt(0));
    expect(c.get('a')).toBe(97);
    c.set('d', 100); // current was full: a, b, c become the older generation
    expect(c.size).toBe(4);
    for (const k of ['e', 'f']) c.set(k, 1);
    c.set('g', 1); // current (d, e, f) full again: a, b, c are dropped
    expect(c.get('a')).toBeUndefined();
    expect(c.get('d')).toBe(100);
    expect(c.size).toBeLessThanOrEqual(6);
  });

  it('carries an answer that is still read into the newer generation', () => {
    const c = new GenerationCache<string>(2);
    c.set('keep', 'k');
    c.set('x', 'x');
    c.set('y', 'y'); // keep and x are now the older generation
    expect(c.get('keep')).toBe('k'); // read: copied into the newer one
    c.set('z', 'z'); // newer (y, keep) full: x is dropped, keep survives
    expect(c.get('keep')).toBe('k');
    expect(c.get('x')).toBeUndefined();
  });

  it('never grows past twice its limit', () => {
    const c = new GenerationCache<number>(100);
    for (let i = 0; i < 10_000; i++) {
      c.set(`k${i}`, i);
      if (i % 7 === 0) c.get(`k${i - 50}`);
    }
    expect(c.size).toBeLessThanOrEqual(200);
    expect(c.get('k9999')).toBe(9999);
  });
});
