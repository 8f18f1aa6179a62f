// The configuration's shape, defaults and validation rules. Pure.

export interface ProfileConfig {
  command: string[];
  /** Arguments placed before the task text, e.g. ["--"]; the task is appended after them. */
  taskArgs: string[] | null;
}

export interface Config {
  session: string;
  layout: { sidebarWidth: number; maxAgentsPerWindow: number };
  profiles: Record<string, ProfileConfig>;
  targets: string[];
}

export const DEFAULT_CONFIG: Config = {
  session: 'agents',
  layout: { sidebarWidth: 30, maxAgentsPerWindow: 6 },
  profiles: {},
  targets: [],
};

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
  const known = new Set(['session', 'layout', 'profiles', 'targets', 'worktrees', 'setup', 'env', 'ports', 'thresholds']);
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
      }
    }
  }
  return problems;
}

/** Merges a validated document over a base config. */
export function applyConfig(base: Config, doc: unknown): Config {
  if (!isObject(doc)) return base;
  const out: Config = { ...base, layout: { ...base.layout }, profiles: { ...base.profiles }, targets: [...base.targets] };
  if (typeof doc.session === 'string') out.session = doc.session;
  if (isObject(doc.layout)) {
    if (typeof doc.layout.sidebarWidth === 'number') out.layout.sidebarWidth = doc.layout.sidebarWidth;
    if (typeof doc.layout.maxAgentsPerWindow === 'number') out.layout.maxAgentsPerWindow = doc.layout.maxAgentsPerWindow;
  }
  if (Array.isArray(doc.targets)) out.targets = doc.targets as string[];
  if (isObject(doc.profiles)) {
    for (const [name, p] of Object.entries(doc.profiles)) {
      const prof = p as { command: string[]; taskArgs?: string[] };
      out.profiles[name] = { command: prof.command, taskArgs: prof.taskArgs ?? null };
    }
  }
  return out;
}
