// Glob patterns for copy steps, with gitignore-like anchoring. Pure.
//   *   any run of characters but '/'     **  any run, '/' included     ?  one character but '/'
//   a pattern without '/' matches a name at any depth (".env*" matches "apps/web/.env.local");
//   a pattern with '/' is anchored at the worktree's top ("config/*.json"); a leading '/' anchors too.

/** Compiles a glob into a RegExp over '/'-separated relative paths. */
export function globToRegExp(glob: string): RegExp {
  let pattern = glob.trim();
  const anchored = pattern.startsWith('/') || pattern.replace(/\/$/, '').includes('/');
  pattern = pattern.replace(/^\//, '').replace(/\/$/, '');
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '*') {
      if (pattern[i + 1] === '*') {
        const slash = pattern[i + 2] === '/';
        re += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else re += '[^/]*';
    } else if (ch === '?') re += '[^/]';
    else if (ch === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end === -1) re += '\\[';
      else {
        re += '[' + pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\') + ']';
        i = end;
      }
    } else re += ch.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${anchored ? '' : '(?:.*/)?'}${re}$`);
}

/** True if the relative path (or, for a folder entry "dir/", the folder) matches any glob. */
export function matchesAny(path: string, globs: readonly RegExp[]): boolean {
  const p = path.replace(/\/$/, '');
  return globs.some((g) => g.test(p));
}

/** Reads patterns from a .worktreeinclude-style text: one per line, '#' comments, blanks ignored. */
export function parsePatternFile(text: string): string[] {
  return text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#') && !l.startsWith('!'));
}
