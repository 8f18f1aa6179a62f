// One CLI command per file, named after it: the command table loads each command from
// src/cli/commands/NAME.ts, and every file there is a command of the table (shared helpers live
// one folder up, in src/cli/).
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { allCommands } from '../../../src/cli/command-table.js';

const CLI = fileURLToPath(new URL('../../../src/cli/', import.meta.url));
const table = readFileSync(`${CLI}command-table.ts`, 'utf8');
const loaders = [...table.matchAll(/^\s*'?([\w-]+)'?: async \(\) => \(await import\('\.\/commands\/([\w-]+)\.js'\)\)/gm)].map((m) => ({ name: m[1]!, file: m[2]! }));

describe('the command table', () => {
  it('finds the loaders', () => {
    expect(loaders.length).toBeGreaterThan(25);
  });

  it('loads every command from the file named after it', () => {
    expect(loaders.filter((l) => l.name !== l.file)).toEqual([]);
  });

  it('names every file of src/cli/commands/', () => {
    const files = readdirSync(`${CLI}commands`).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3));
    expect(files.filter((f) => !loaders.some((l) => l.file === f))).toEqual([]);
  });

  it('is imported by no command (a command that needs the others gets them from its context)', () => {
    const files = readdirSync(`${CLI}commands`).filter((f) => f.endsWith('.ts'));
    expect(files.filter((f) => /'\.\.\/command-table\.js'/.test(readFileSync(`${CLI}commands/${f}`, 'utf8')))).toEqual([]);
  });

  it('gives each command the name it is loaded under', async () => {
    const names = (await allCommands()).map((c) => c.name);
    expect(names).toEqual(loaders.map((l) => l.name));
  });
});
