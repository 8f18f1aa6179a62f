// A bounded cache for answers that never go stale (facts about commit ids): two generations,
// the older dropped whole when the newer fills up; an answer still in use is carried over when
// read. Memory stays under twice the limit however long the daemon runs, with no bookkeeping per read.
export class GenerationCache<V> {
  private current = new Map<string, V>();
  private previous = new Map<string, V>();

  constructor(private readonly limit: number) {}

  get(key: string): V | undefined {
    const hit = this.current.get(key);
    if (hit !== undefined) return hit;
    const old = this.previous.get(key);
    if (old !== undefined) this.set(key, old);
    return old;
  }

  set(key: string, value: V): void {
    if (this.current.size >= this.limit && !this.current.has(key)) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(key, value);
  }

  get size(): number {
    let n = this.current.size;
    for (const k of this.previous.keys()) if (!this.current.has(k)) n++;
    return n;
  }
}
