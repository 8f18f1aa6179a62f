// The ONE method table: for each request the daemon answers, how its params are checked and which
// handler answers it. The server asks it whether a method exists; main dispatches through it. Adding
// a method is one entry here (and its types in protocol.ts): a Method without an entry does not compile.
import type { DaemonContext } from '../context.js';
import type { Method, Params, Result } from '../protocol.js';
import type { ClientConn } from '../server.js';
import { fields, type FieldSpec } from './params.js';
import { capture, focus, send } from './input.js';
import { clean, merge } from './land.js';
import { ensureSession, hello, list, status, stop, subscribe } from './session.js';
import { fresh } from './fresh.js';
import { kill } from './kill.js';
import { map, syncFiles } from './files.js';
import { resurrect } from './recover.js';
import { setPr } from './pr.js';
import { signal } from './signal.js';
import { highlight, toggleSidebar } from './sidebar.js';
import { spawn } from './spawn.js';
import { wait } from './wait.js';

export interface MethodEntry<M extends Method> {
  /** Checks the raw params (throws a usage error naming the field). */
  params: (raw: unknown) => Params<M>;
  handle: (ctx: DaemonContext, params: Params<M>, client: ClientConn) => Result<M> | Promise<Result<M>>;
  /** Answered at once; every other request waits for the start (the registry rebuilt from tmux). */
  beforeStart?: true;
}

/** An entry whose params validator checks the fields named in spec. */
function entry<M extends Method>(method: M, spec: Record<string, FieldSpec>, handle: MethodEntry<M>['handle'], beforeStart?: true): MethodEntry<M> {
  return { params: fields<Params<M>>(method, spec), handle, ...(beforeStart ? { beforeStart } : {}) };
}

export const METHOD_TABLE: { readonly [M in Method]: MethodEntry<M> } = {
  // The server has checked hello's token before any handler runs.
  hello: entry('hello', {}, hello, true),
  status: entry('status', {}, status, true),
  stop: entry('stop', {}, stop, true),
  ensureSession: entry('ensureSession', { session: 'string?', cwd: 'string', width: 'number?', height: 'number?' }, ensureSession),
  spawn: entry('spawn', { profile: 'string', cwd: 'string', env: 'object', worktree: 'object', ports: 'object' }, spawn),
  list: entry('list', {}, list),
  kill: entry('kill', { agent: 'string', force: 'boolean', keepWorktree: 'boolean', children: 'string?' }, kill),
  map: entry('map', { cwd: 'string', targets: 'array' }, map),
  merge: entry('merge', { agent: 'string', into: 'string?', method: 'string', keep: 'boolean' }, merge),
  clean: entry('clean', { dryRun: 'boolean', cwd: 'string?' }, clean),
  setPr: entry('setPr', { agent: 'string', pr: 'object' }, setPr),
  fresh: entry('fresh', { agent: 'string', reason: 'object?' }, fresh),
  resurrect: entry('resurrect', { cwd: 'string' }, resurrect),
  signal: entry('signal', { agent: 'string', state: 'string', detail: 'string?' }, signal),
  toggleSidebar: entry('toggleSidebar', {}, toggleSidebar),
  highlight: entry('highlight', { agent: 'string?' }, highlight),
  syncFiles: entry('syncFiles', { agent: 'string?', globs: 'array' }, syncFiles),
  focus: entry('focus', { agent: 'string' }, focus),
  send: entry('send', { agent: 'string', text: 'string', enter: 'boolean', whenIdle: 'boolean?', keys: 'boolean?' }, send),
  capture: entry('capture', { agent: 'string', lines: 'number' }, capture),
  wait: entry('wait', { agent: 'string', until: 'string', timeoutMs: 'number?' }, wait),
  subscribe: entry('subscribe', {}, subscribe),
};

/** Every method name the daemon answers. */
export const METHODS: ReadonlySet<string> = new Set(Object.keys(METHOD_TABLE));

/** Whether name is a method the daemon answers (the server refuses any other line). */
export function isMethod(name: unknown): name is Method {
  return typeof name === 'string' && Object.hasOwn(METHOD_TABLE, name);
}

/** Answers one request: waits for the start unless the method need not, checks the params, runs the handler. */
export async function dispatch(ctx: DaemonContext, method: Method, raw: unknown, client: ClientConn): Promise<unknown> {
  const e = METHOD_TABLE[method] as unknown as MethodEntry<Method>;
  if (!e.beforeStart) await ctx.daemon.started;
  return e.handle(ctx, e.params(raw), client);
}
