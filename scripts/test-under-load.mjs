// Runs the test suite (as `npm test` runs it, after the build) while every core is kept busy by a
// busy-loop process at normal priority: the "busy machine" of issue 14, item 20, on demand.
// `npm run test:load [-- vitest args]`; TMUXCODEX_HOGS sets how many loops (default: one per core).
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';

const hogs = Number(process.env.TMUXCODEX_HOGS ?? availableParallelism());
const loops = Array.from({ length: hogs }, () =>
  spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
const stop = () => { for (const l of loops) l.kill('SIGKILL'); };
process.on('SIGINT', () => { stop(); process.exit(130); });
process.on('SIGTERM', () => { stop(); process.exit(143); });
console.log(`test:load: ${hogs} busy loops (pids ${loops.map((l) => l.pid).join(' ')})`);
const started = Date.now();
const vitest = spawn('npx', ['vitest', 'run', '--config', 'test/vitest.config.ts', ...process.argv.slice(2)], { stdio: 'inherit' });
vitest.on('exit', (code, signal) => {
  stop();
  console.log(`test:load: vitest ended (${signal ?? code}) after ${((Date.now() - started) / 1000).toFixed(0)} s under ${hogs} busy loops`);
  process.exit(code ?? 1);
});
