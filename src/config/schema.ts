// The configuration's shape, defaults and validation rules. Pure.

export interface ProfileConfig {
  /** Which file declared it: a repository's own profiles run only once that file is trusted. */
  origin: ConfigOrigin;
  command: string[];
  /** Arguments placed before the task text, e.g. ["--"]; the task is appended after them. */
  taskArgs: string[] | null;
  /** Whose transcript format the program writes (codex, claude), when its name does not say. */
  transcript: string | null;
  /** The model's context window in tokens, for the percentages. */
  contextWindow: number | null;
}

/** A provisioning step; `origin` says which file declared it (a repository's run steps need trust). */
export type SetupStep =
  | { copy: string[]; origin: ConfigOrigin }
  | { symlink: string[]; origin: ConfigOrigin }
  | { clone: string; origin: ConfigOrigin }
  | { run: string; origin: ConfigOrigin };

export type ConfigOrigin = 'user' | 'repo';

export interface Config {
  session: string;
  layout: { sidebarWidth: number; maxAgentsPerWindow: number };
  profiles: Record<string, ProfileConfig>;
  targets: string[];
  /** Where new worktrees go; null = a sibling folder "<main checkout>.worktrees". */
  worktrees: { root: string | null; rootOrigin: ConfigOrigin | null };
  /** Provisioning steps; null when no file declares any (then the built-in defaults apply). */
  setup: SetupStep[] | null;
  ports: { range: [number, number]; count: number };
  /**
   * When an agent's context or session age calls for a fresh session: an event, and a tmux message if
   * `message`. autoFresh: off (no advice), suggest (the message names `tmuxcodex fresh`), or
   * between-turns (a fresh session starts by itself once the agent is idle after crossing
   * contextCritical or ageHours).
   */
  thresholds: { contextWarn: number; contextCritical: number; ageHours: number; message: boolean; autoFresh: AutoFresh };
  /** A command run when an agent needs the person, finishes a turn or crosses a threshold (user config only). */
  notify: { command: string[] | null; on: NotifyKind[] };
}

export type NotifyKind = 'waiting' | 'finished' | 'context' | 'age' | 'fresh' | 'fix-blocked';
export const NOTIFY_KINDS: readonly NotifyKind[] = ['waiting', 'finished', 'context', 'age', 'fresh', 'fix-blocked'];
export type AutoFresh = 'off' | 'suggest' | 'between-turns';
export const AUTO_FRESH: readonly AutoFresh[] = ['off', 'suggest', 'between-turns'];

export const DEFAULT_CONFIG: Config = {
  session: 'agents',
  layout: { sidebarWidth: 30, maxAgentsPerWindow: 6 },
  profiles: {},
  targets: [],
  worktrees: { root: null, rootOrigin: null },
  setup: null,
  ports: { range: [4100, 4999], count: 1 },
  thresholds: { contextWarn: 60, contextCritical: 80, ageHours: 8, message: true, autoFresh: 'suggest' },
  notify: { command: null, on: ['waiting', 'finished', 'context', 'age', 'fresh', 'fix-blocked'] },
};

const PROFILE_KEYS = ['command', 'taskArgs', 'transcript', 'contextWindow'];
/** The transcript formats tmuxcodex reads (src/transcripts/adapters.ts). */
export const TRANSCRIPT_FORMATS: readonly string[] = ['codex', 'claude'];

/** A broken rule, located at a path in the document (e.g. ["layout", "sidebarWidth"]). */
export interface ConfigProblem {
  path: (string | number)[];
  message: string;
  /** The key itself is wrong (unknown, badly named): point at the key, not at its value. */
  atKey?: boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function intInRange(v: unknown, min: number, max: number): boolean {
  return Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
}

/** Checks a parsed document against the rules; one problem per broken rule. */
export function validateConfig(doc: unknown): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (doc === null || doc === undefined) return problems;
  if (!isObject(doc)) return [{ path: [], message: 'the config must be a mapping of keys to values' }];
  const known = new Set(['session', 'layout', 'profiles', 'targets', 'worktrees', 'setup', 'ports', 'thresholds', 'notify']);
  for (const k of Object.keys(doc)) if (!known.has(k)) problems.push({ path: [k], atKey: true, message: `unknown key "${k}" (known: ${[...known].join(', ')})` });
  if ('session' in doc && (typeof doc.session !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(doc.session))) {
    problems.push({ path: ['session'], message: 'session must be 1-64 letters, digits, "_" or "-"' });
  }
  if ('layout' in doc) {
    const l = doc.layout;
    if (!isObject(l)) problems.push({ path: ['layout'], message: 'layout must be a mapping' });
    else {
      for (const k of Object.keys(l)) if (k !== 'sidebarWidth' && k !== 'maxAgentsPerWindow') problems.push({ path: ['layout', k], atKey: true, message: `unknown layout key "${k}" (known: sidebarWidth, maxAgentsPerWindow)` });
      if ('sidebarWidth' in l && !intInRange(l.sidebarWidth, 10, 120)) problems.push({ path: ['layout', 'sidebarWidth'], message: 'sidebarWidth must be a whole number from 10 to 120' });
      if ('maxAgentsPerWindow' in l && !intInRange(l.maxAgentsPerWindow, 1, 16)) problems.push({ path: ['layout', 'maxAgentsPerWindow'], message: 'maxAgentsPerWindow must be a whole number from 1 to 16' });
    }
  }
  if ('targets' in doc && !(Array.isArray(doc.targets) && doc.targets.every((t) => typeof t === 'string' && t.length > 0))) {
    problems.push({ path: ['targets'], message: 'targets must be a list of branch names' });
  }
  problems.push(...validateWorktrees(doc), ...validateSetup(doc), ...validatePorts(doc), ...validateThresholds(doc), ...validateNotify(doc));
  if ('profiles' in doc) {
    if (!isObject(doc.profiles)) problems.push({ path: ['profiles'], message: 'profiles must be a mapping of profile names' });
    else {
      for (const [name, p] of Object.entries(doc.profiles)) {
        if (!/^[a-z][a-z0-9-]{0,31}$/.test(name)) problems.push({ path: ['profiles', name], atKey: true, message: 'a profile name is lowercase letters, digits and "-"' });
        if (!isObject(p) || !Array.isArray(p.command) || p.command.length === 0 || !p.command.every((a) => typeof a === 'string')) {
          problems.push({ path: ['profiles', name, 'command'], message: 'a profile needs command: a non-empty list of strings (program, then arguments)' });
        } else if ('taskArgs' in p && !(Array.isArray(p.taskArgs) && p.taskArgs.every((a) => typeof a === 'string'))) {
          problems.push({ path: ['profiles', name, 'taskArgs'], message: 'taskArgs must be a list of strings' });
        }
        if (isObject(p)) {
          for (const k of Object.keys(p)) if (!PROFILE_KEYS.includes(k)) problems.push({ path: ['profiles', name, k], atKey: true, message: `unknown profile key "${k}" (known: ${PROFILE_KEYS.join(', ')})` });
          if ('transcript' in p && !TRANSCRIPT_FORMATS.includes(p.transcript as string)) problems.push({ path: ['profiles', name, 'transcript'], message: `transcript must be one of ${TRANSCRIPT_FORMATS.join(', ')}` });
          if ('contextWindow' in p && !intInRange(p.contextWindow, 1000, 100_000_000)) problems.push({ path: ['profiles', name, 'contextWindow'], message: 'contextWindow must be a whole number of tokens from 1000 to 100000000' });
        }
      }
    }
  }
  return problems;
}

function validateWorktrees(doc: Record<string, unknown>): ConfigProblem[] {
  if (!('worktrees' in doc)) return [];
  const w = doc.worktrees;
  if (!isObject(w)) return [{ path: ['worktrees'], message: 'worktrees must be a mapping (root: PATH)' }];
  const out: ConfigProblem[] = [];
  for (const k of Object.keys(w)) if (k !== 'root') out.push({ path: ['worktrees', k], atKey: true, message: `unknown worktrees key "${k}" (known: root)` });
  if ('root' in w && (typeof w.root !== 'string' || w.root.trim() === '')) out.push({ path: ['worktrees', 'root'], message: 'worktrees.root must be a folder path' });
  return out;
}

const STEP_KINDS = ['copy', 'symlink', 'clone', 'run'] as const;

function validateSetup(doc: Record<string, unknown>): ConfigProblem[] {
  if (!('setup' in doc)) return [];
  if (!Array.isArray(doc.setup)) return [{ path: ['setup'], message: 'setup must be a list of steps (copy, symlink, clone, run)' }];
  const out: ConfigProblem[] = [];
  doc.setup.forEach((step, i) => {
    const keys = isObject(step) ? Object.keys(step) : [];
    const kind = keys[0];
    if (!isObject(step) || keys.length !== 1 || !(STEP_KINDS as readonly string[]).includes(kind!)) {
      out.push({ path: ['setup', i], message: 'each setup step is one of: copy: GLOBS, symlink: PATHS, clone: FOLDER, run: COMMAND' });
      return;
    }
    const v = step[kind!];
    const strings = (x: unknown) => typeof x === 'string' ? x.trim() !== '' : Array.isArray(x) && x.length > 0 && x.every((s) => typeof s === 'string' && s.trim() !== '');
    if ((kind === 'copy' || kind === 'symlink') && !strings(v)) out.push({ path: ['setup', i, kind], message: `${kind} takes a path or glob, or a list of them` });
    if ((kind === 'clone' || kind === 'run') && !(typeof v === 'string' && v.trim() !== '')) out.push({ path: ['setup', i, kind], message: `${kind} takes one ${kind === 'clone' ? 'folder' : 'command line'}` });
    if ((kind === 'clone' || kind === 'symlink' || kind === 'copy') && [v].flat().some((p) => typeof p === 'string' && (p.startsWith('/') || p.split('/').includes('..')))) {
      out.push({ path: ['setup', i, kind], message: `${kind} paths are relative to the worktree and may not leave it` });
    }
  });
  return out;
}

function validatePorts(doc: Record<string, unknown>): ConfigProblem[] {
  if (!('ports' in doc)) return [];
  const p = doc.ports;
  if (!isObject(p)) return [{ path: ['ports'], message: 'ports must be a mapping (range: [FROM, TO], count: N)' }];
  const out: ConfigProblem[] = [];
  for (const k of Object.keys(p)) if (k !== 'range' && k !== 'count') out.push({ path: ['ports', k], atKey: true, message: `unknown ports key "${k}" (known: range, count)` });
  if ('range' in p && !(Array.isArray(p.range) && p.range.length === 2 && intInRange(p.range[0], 1024, 65535) && intInRange(p.range[1], 1024, 65535) && (p.range[0] as number) <= (p.range[1] as number))) {
    out.push({ path: ['ports', 'range'], message: 'ports.range must be [FROM, TO] with 1024 <= FROM <= TO <= 65535' });
  }
  if ('count' in p && !intInRange(p.count, 0, 16)) out.push({ path: ['ports', 'count'], message: 'ports.count must be a whole number from 0 to 16' });
  return out;
}

function validateThresholds(doc: Record<string, unknown>): ConfigProblem[] {
  if (!('thresholds' in doc)) return [];
  const t = doc.thresholds;
  if (!isObject(t)) return [{ path: ['thresholds'], message: 'thresholds must be a mapping (contextWarn, contextCritical, ageHours, message, autoFresh)' }];
  const out: ConfigProblem[] = [];
  const keys = ['contextWarn', 'contextCritical', 'ageHours', 'message', 'autoFresh'];
  for (const k of Object.keys(t)) if (!keys.includes(k)) out.push({ path: ['thresholds', k], atKey: true, message: `unknown thresholds key "${k}" (known: ${keys.join(', ')})` });
  for (const k of ['contextWarn', 'contextCritical']) if (k in t && !intInRange(t[k], 1, 100)) out.push({ path: ['thresholds', k], message: `${k} must be a whole percent from 1 to 100` });
  if ('ageHours' in t && !(typeof t.ageHours === 'number' && t.ageHours > 0 && t.ageHours <= 720)) out.push({ path: ['thresholds', 'ageHours'], message: 'ageHours must be a number of hours above 0 (at most 720)' });
  if ('message' in t && typeof t.message !== 'boolean') out.push({ path: ['thresholds', 'message'], message: 'message must be true or false' });
  if ('autoFresh' in t && !(AUTO_FRESH as readonly unknown[]).includes(t.autoFresh)) out.push({ path: ['thresholds', 'autoFresh'], message: `autoFresh must be one of: ${AUTO_FRESH.join(', ')}` });
  return out;
}

function validateNotify(doc: Record<string, unknown>): ConfigProblem[] {
  if (!('notify' in doc)) return [];
  const n = doc.notify;
  if (!isObject(n)) return [{ path: ['notify'], message: 'notify must be a mapping (command: [PROGRAM, ARGS...], on: [...])' }];
  const out: ConfigProblem[] = [];
  for (const k of Object.keys(n)) if (k !== 'command' && k !== 'on') out.push({ path: ['notify', k], atKey: true, message: `unknown notify key "${k}" (known: command, on)` });
  if ('command' in n && !(Array.isArray(n.command) && n.command.length > 0 && n.command.every((a) => typeof a === 'string' && a !== ''))) out.push({ path: ['notify', 'command'], message: 'notify.command is a list: the program, then its arguments' });
  if ('on' in n && !(Array.isArray(n.on) && n.on.every((k) => (NOTIFY_KINDS as readonly unknown[]).includes(k)))) out.push({ path: ['notify', 'on'], message: `notify.on lists some of: ${NOTIFY_KINDS.join(', ')}` });
  return out;
}

/** Merges a validated document over a base config. */
export function applyConfig(base: Config, doc: unknown, origin: ConfigOrigin = 'user'): Config {
  if (!isObject(doc)) return base;
  const out: Config = {
    ...base, layout: { ...base.layout }, profiles: { ...base.profiles }, targets: [...base.targets], worktrees: { ...base.worktrees }, ports: { ...base.ports, range: [...base.ports.range] },
    thresholds: { ...base.thresholds }, notify: { command: base.notify.command, on: [...base.notify.on] },
  };
  if (isObject(doc.thresholds)) Object.assign(out.thresholds, doc.thresholds);
  // A repository's file may not make the daemon run a program: notify.command comes from the user's file only.
  if (isObject(doc.notify)) {
    if (Array.isArray(doc.notify.command) && origin === 'user') out.notify.command = doc.notify.command as string[];
    if (Array.isArray(doc.notify.on)) out.notify.on = doc.notify.on as NotifyKind[];
  }
  if (isObject(doc.worktrees) && typeof doc.worktrees.root === 'string') out.worktrees = { root: doc.worktrees.root, rootOrigin: origin };
  if (Array.isArray(doc.setup)) {
    // Steps add up: the user's own first, then the repository's.
    const steps = doc.setup.map((s) => {
      const [kind, v] = Object.entries(s as Record<string, unknown>)[0]!;
      return kind === 'copy' || kind === 'symlink' ? { [kind]: [v].flat() as string[], origin } : { [kind]: v as string, origin };
    }) as SetupStep[];
    out.setup = [...(base.setup ?? []), ...steps];
  }
  if (isObject(doc.ports)) {
    if (Array.isArray(doc.ports.range)) out.ports.range = [doc.ports.range[0] as number, doc.ports.range[1] as number];
    if (typeof doc.ports.count === 'number') out.ports.count = doc.ports.count;
  }
  if (typeof doc.session === 'string') out.session = doc.session;
  if (isObject(doc.layout)) {
    if (typeof doc.layout.sidebarWidth === 'number') out.layout.sidebarWidth = doc.layout.sidebarWidth;
    if (typeof doc.layout.maxAgentsPerWindow === 'number') out.layout.maxAgentsPerWindow = doc.layout.maxAgentsPerWindow;
  }
  if (Array.isArray(doc.targets)) out.targets = doc.targets as string[];
  if (isObject(doc.profiles)) {
    for (const [name, p] of Object.entries(doc.profiles)) {
      const prof = p as { command: string[]; taskArgs?: string[]; transcript?: string; contextWindow?: number };
      out.profiles[name] = { command: prof.command, taskArgs: prof.taskArgs ?? null, transcript: prof.transcript ?? null, contextWindow: prof.contextWindow ?? null, origin };
    }
  }
  return out;
}
