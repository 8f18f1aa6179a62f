// Free space on the filesystem that holds a path, to tell a full disk from other failures.
import { existsSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';

/** Bytes an unprivileged writer can still use where path is (or would be created); null if unknown. */
function freeBytes(path: string): number | null {
  let p = path;
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p);
  try {
    const s = statfsSync(p);
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
}

/** "1.2 MB", "640 KB": a size for a person. */
export function formatBytes(n: number): string {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(1)} GB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MB`;
  return `${Math.round(n / 1024)} KB`;
}

/**
 * Whether a failed write at path was the disk being full: git says "No space left on device" only
 * for some writes ("unable to write file X" for a checkout), so a nearly full filesystem counts too.
 */
export function diskFull(path: string, stderr: string): { free: number } | null {
  const free = freeBytes(path);
  if (/No space left on device|ENOSPC/i.test(stderr)) return { free: free ?? 0 };
  if (free !== null && free < 64 << 20 && /unable to write|write error|failed to write/i.test(stderr)) return { free };
  return null;
}
