// Work done in a new worktree after its agent starts (cloned files given inodes of their own),
// tracked per worktree so that a kill can stop it before the worktree is removed: a copy being
// written while git removes the folder made the removal fail ("Directory not empty").

interface Job { abort: AbortController; done: Promise<unknown> }

const running = new Map<string, Set<Job>>();

/** Runs job for worktree in the background; stopBackgroundWork(worktree) aborts it and waits. */
export function runInBackground(worktree: string, job: (signal: AbortSignal) => Promise<unknown>): Promise<unknown> {
  const abort = new AbortController();
  const jobs = running.get(worktree) ?? new Set<Job>();
  running.set(worktree, jobs);
  const entry: Job = { abort, done: Promise.resolve() };
  entry.done = job(abort.signal).finally(() => {
    jobs.delete(entry);
    if (!jobs.size && running.get(worktree) === jobs) running.delete(worktree);
  });
  jobs.add(entry);
  return entry.done;
}

/** Stops the background work of a worktree and waits until none of it touches the folder. */
export async function stopBackgroundWork(worktree: string): Promise<void> {
  const jobs = [...(running.get(worktree) ?? [])];
  for (const j of jobs) j.abort.abort();
  await Promise.allSettled(jobs.map((j) => j.done));
}
