// Process facts for lifecycle tests: liveness (a zombie counts as gone), parents, dead pids, deadlines.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { slack } from './slack.js';

/** The /proc/PID/stat fields after the command name: [state, ppid, ...], or null if there is no such process. */
function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** True if pid is a running process (not a zombie waiting to be reaped). */
export function isRunning(pid: number): boolean {
  const f = statFields(pid);
  return f !== null && f[0] !== 'Z' && f[0] !== 'X';
}

/** The parent pid of pid, or null. */
export function parentPid(pid: number): number | null {
  const f = statFields(pid);
  return f ? Number(f[1]) : null;
}

/** The pid of a process that has already exited (and been reaped). */
export function deadPid(): number {
  const pid = spawnSync('true').pid;
  if (!pid || isRunning(pid)) throw new Error('could not get the pid of an exited process');
  return pid;
}

/** Resolves with p's value, or rejects once ms have passed. */
export async function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${slack(ms)} ms waiting for ${what}`)), slack(ms)); })]);
  } finally {
    clearTimeout(timer);
  }
}
