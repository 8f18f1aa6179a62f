// One line of `tmuxcodex doctor`: what was looked at, whether it is fine, what was found, and for a
// problem the command that fixes it (DESIGN.md: {name, ok, detail, fix}).

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  /** The command (or step) that fixes a problem; null when there is none to make. */
  fix: string | null;
}

/** A check that passed (detail says what was found). */
export const passed = (name: string, detail: string): Check => ({ name, ok: true, detail, fix: null });

/** A problem, with the command that fixes it. */
export const problem = (name: string, detail: string, fix: string): Check => ({ name, ok: false, detail, fix });

/** [major, minor, patch] from a version text ("git version 2.39.5", "v20.19.1"), or null. */
export function versionOf(text: string): [number, number, number] | null {
  const m = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : null;
}

/** Whether version v is at least min. */
export function atLeast(v: readonly number[] | null, min: readonly number[]): boolean {
  if (!v) return false;
  for (let i = 0; i < min.length; i++) if ((v[i] ?? 0) !== min[i]) return (v[i] ?? 0) > min[i]!;
  return true;
}
