// The import rules of DESIGN.md, checked on the source: core imports nothing of ours; tmux/, git/
// and proc/ never import agents/, daemon/, ui/ or cli/; ui/ and cli/ reach the daemon only through
// daemon/protocol.ts; agents/ never imports daemon/; only src/tmux/ names the tmux binary or writes a
// `#{` format (its field tables and format builders). Inside the daemon: store/ and watch/ never
// import methods/; one method table, imported by main alone; no daemon file over 250 lines.
// Which process runs git (README, "Which process runs git"): cli/ reaches git only through agents/
// (or the daemon), never git/ directly; only src/git/ runs the git program. No file imports itself
// through others (no circles, type-only imports included).
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../../src/', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []);
}

/** Every relative import of file, as a path under src/ ('daemon/protocol.ts'). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)].map((m) => relative(SRC, resolve(dirname(file), m[1]!)).replace(/\.js$/, '.ts'));
}

const files = sourceFiles(SRC).map((f) => ({ path: relative(SRC, f), imports: importsOf(f) }));
const top = (p: string) => p.split('/')[0]!;

describe('import rules', () => {
  it('finds the source files and their imports', () => {
    expect(files.length).toBeGreaterThan(30);
    expect(files.find((f) => f.path === 'cli/client.ts')?.imports).toContain('daemon/protocol.ts');
  });

  it('core/ imports nothing else of ours', () => {
    const bad = files.filter((f) => top(f.path) === 'core').flatMap((f) => f.imports.filter((i) => top(i) !== 'core').map((i) => `${f.path} -> ${i}`));
    expect(bad).toEqual([]);
  });

  it('tmux/, git/ and proc/ never import agents/, daemon/, ui/ or cli/', () => {
    const low = new Set(['tmux', 'git', 'proc']);
    const high = new Set(['agents', 'daemon', 'ui', 'cli']);
    const bad = files.filter((f) => low.has(top(f.path))).flatMap((f) => f.imports.filter((i) => high.has(top(i))).map((i) => `${f.path} -> ${i}`));
    expect(bad).toEqual([]);
  });

  it('ui/ and cli/ reach the daemon only through daemon/protocol.ts', () => {
    const bad = files.filter((f) => ['ui', 'cli'].includes(top(f.path)))
      .flatMap((f) => f.imports.filter((i) => top(i) === 'daemon' && i !== 'daemon/protocol.ts').map((i) => `${f.path} -> ${i}`));
    expect(bad).toEqual([]);
  });

  it('only src/tmux/ names the tmux binary', () => {
    const bad = files.filter((f) => top(f.path) !== 'tmux' && /['"]tmux['"]/.test(readFileSync(join(SRC, f.path), 'utf8'))).map((f) => f.path);
    expect(bad).toEqual([]);
  });

  it('daemon/store/ and daemon/watch/ never import daemon/methods/ (requests call down into them, not back)', () => {
    const bad = files.filter((f) => /^daemon\/(store|watch)\//.test(f.path))
      .flatMap((f) => f.imports.filter((i) => i.startsWith('daemon/methods/') || i === 'daemon/main.ts' || i === 'daemon/context.ts').map((i) => `${f.path} -> ${i}`));
    expect(bad).toEqual([]);
  });

  it('the daemon dispatches through one method table: only main.ts imports methods/table.ts', () => {
    const bad = files.filter((f) => f.path !== 'daemon/main.ts' && !f.path.startsWith('daemon/methods/') && f.imports.includes('daemon/methods/table.ts')).map((f) => f.path);
    expect(bad).toEqual([]);
    expect(readFileSync(join(SRC, 'daemon/main.ts'), 'utf8')).not.toMatch(/switch \(method\)/);
  });

  it('no file in src/daemon/ is over 250 lines', () => {
    const long = files.filter((f) => top(f.path) === 'daemon').map((f) => ({ path: f.path, lines: readFileSync(join(SRC, f.path), 'utf8').split('\n').length })).filter((f) => f.lines > 250);
    expect(long).toEqual([]);
  });

  it('agents/ never imports daemon/', () => {
    const bad = files.filter((f) => top(f.path) === 'agents').flatMap((f) => f.imports.filter((i) => top(i) === 'daemon').map((i) => `${f.path} -> ${i}`));
    expect(bad).toEqual([]);
  });

  it('nothing outside src/tmux/ writes a #{ format (src/tmux/formats.ts and its builders do)', () => {
    const bad = files.filter((f) => top(f.path) !== 'tmux').flatMap((f) => readFileSync(join(SRC, f.path), 'utf8').split('\n')
      .flatMap((line, i) => (line.includes('#{') ? [`${f.path}:${i + 1}: ${line.trim()}`] : [])));
    expect(bad).toEqual([]);
  });

  it('cli/ never imports git/: git steps live in git/ and agents/, which the CLI calls', () => {
    const bad = files.filter((f) => top(f.path) === 'cli').flatMap((f) => f.imports.filter((i) => top(i) === 'git').map((i) => `${f.path} -> ${i}`));
    expect(bad).toEqual([]);
  });

  it('only src/git/ runs the git program', () => {
    const runsGit = /\b(?:run|runToFile|spawn|execFile|execa)\(\s*['"]git['"]/;
    const bad = files.filter((f) => top(f.path) !== 'git' && runsGit.test(readFileSync(join(SRC, f.path), 'utf8'))).map((f) => f.path);
    expect(bad).toEqual([]);
  });

  it('no circles: no file reaches itself through its imports (type-only ones included)', () => {
    const graph = new Map(files.map((f) => [f.path, f.imports.filter((i) => i !== f.path)]));
    const circles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (path: string, trail: string[]): void => {
      if (state.get(path) === 'done') return;
      if (state.get(path) === 'open') return void circles.push([...trail.slice(trail.indexOf(path)), path].join(' -> '));
      state.set(path, 'open');
      for (const next of graph.get(path) ?? []) if (graph.has(next)) visit(next, [...trail, path]);
      state.set(path, 'done');
    };
    for (const path of graph.keys()) visit(path, []);
    expect(circles).toEqual([]);
  });
});
