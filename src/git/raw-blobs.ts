// Whether files on disk hold exactly the blobs an index holds, byte for byte (no clean filters).
// Names are kept as bytes from git to the file system: a name that is not valid UTF-8 must not be
// decoded (it would come back with U+FFFD and name no file), so hashing happens here, not through
// `git hash-object PATH`.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { gitBytes, gitRaw } from './worktree.js';

/** The index entries (regular files only) that differ from head: [path bytes, blob id]. */
async function changedRegularFiles(worktree: string, head: string, env: NodeJS.ProcessEnv): Promise<Array<[Buffer, string]>> {
  const raw = await gitBytes(worktree, ['diff-index', '--cached', '--no-renames', '-z', '--diff-filter=AM', head], { env });
  const fields: Buffer[] = [];
  for (let start = 0, i = raw.indexOf(0); i !== -1; start = i + 1, i = raw.indexOf(0, start)) fields.push(raw.subarray(start, i));
  const files: Array<[Buffer, string]> = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const m = /^:\d+ (\d+) [0-9a-f]+ ([0-9a-f]+) /.exec(fields[i]!.toString('latin1'));
    if (m && (m[1] === '100644' || m[1] === '100755')) files.push([fields[i + 1]!, m[2]!]);
  }
  return files;
}

/** The git blob id of a file's bytes as they are on disk, in the repository's hash (sha1 or sha256). */
function blobIdOf(path: Buffer, algorithm: string): string {
  const fd = openSync(path, 'r');
  try {
    const chunks: Buffer[] = [];
    const chunk = Buffer.alloc(1 << 20);
    for (let n = readSync(fd, chunk); n > 0; n = readSync(fd, chunk)) chunks.push(Buffer.from(chunk.subarray(0, n)));
    const data = Buffer.concat(chunks);
    return createHash(algorithm).update(`blob ${data.length}\0`).update(data).digest('hex');
  } finally {
    closeSync(fd);
  }
}

/** True if every changed regular file of the (temporary) index matches its bytes on disk exactly. */
export async function indexMatchesDiskRaw(worktree: string, head: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  const files = await changedRegularFiles(worktree, head, env);
  if (!files.length) return true;
  const format = (await gitRaw(worktree, ['rev-parse', '--show-object-format'])).trim() || 'sha1';
  const root = Buffer.from(join(worktree, '/'));
  return files.every(([path, blob]) => blobIdOf(Buffer.concat([root, path]), format) === blob);
}
