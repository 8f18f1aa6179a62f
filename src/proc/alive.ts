// Whether a process is alive: the daemon's lock and the tmux link's reaper both ask.

/** True if pid is a live process (signal 0 probes without sending anything). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
