// The daemon's in-process locks: one mutex for whatever changes the set of agents or windows, and
// one per pane so that sends to it never interleave (and a kill waits for the send in progress).

/** Runs tasks one at a time (spawns must not pick the same window slot). */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs fn after every task queued before it, whether those succeeded or failed. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    // The queue only orders tasks: each caller gets its own task's error from `next`.
    this.tail = next.catch(() => undefined);
    return next;
  }
}

/** One mutex per pane, made on first use and dropped with the pane's agent. */
export class PaneLocks {
  private readonly locks = new Map<string, Mutex>();

  /** Runs fn once the tasks queued on paneId before it are done. */
  run<T>(paneId: string, fn: () => Promise<T>): Promise<T> {
    const lock = this.locks.get(paneId) ?? new Mutex();
    this.locks.set(paneId, lock);
    return lock.run(fn);
  }

  /** Waits for what is queued on paneId now (nothing to wait for when the pane never had a task). */
  async drain(paneId: string): Promise<void> {
    await this.locks.get(paneId)?.run(async () => {});
  }

  /** Forgets a pane whose agent is gone. */
  forget(paneId: string): void {
    this.locks.delete(paneId);
  }
}
