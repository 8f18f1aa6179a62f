// Claude Code 2.1.332's own entry for a running session: $CLAUDE_CONFIG_DIR/sessions/<pid>.json,
// rewritten at each status change (fields and order as in shared/fixtures/transcripts/
// claude332-session-registry-tui.json, FORMATS.md §5.1-5.2), removed when the process exits.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

export class SessionRegistry {
  constructor(sessionId, cwd) {
    const dir = join(process.env.CLAUDE_CONFIG_DIR || join(homedir(), '.claude'), 'sessions');
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, `${process.pid}.json`);
    const startedAt = Date.now();
    this.fields = {
      pid: process.pid, sessionId, cwd, startedAt, procStart: '1', version: '2.1.332', peerProtocol: 1,
      peerFeatures: ['notify_idle', 'reply_across_default_dirs', 'artifact_yield'], kind: 'interactive', entrypoint: 'cli',
      pidDomain: 'linux:0123456789abcdef0123456789abcdef:pid:[4026531836]', asksForConvertedSkills: null,
      messagingSocketPath: join(tmpdir(), 'cc-socks', `${process.pid}.sock`), name: 'fake-agent', nameSource: 'derived', nameSince: startedAt,
    };
    process.on('exit', () => rmSync(this.path, { force: true }));
    this.set('idle');
  }

  /** Writes the new status (busy, idle, or waiting and why) in one rename, as a reader never sees half a file. */
  set(status, waitingFor = null) {
    const now = Date.now();
    // 2.1.332 puts waitingFor last (a live TUI's file, FORMATS.md §5.1).
    const body = { ...this.fields, status, updatedAt: now, statusUpdatedAt: now, ...(status === 'waiting' ? { waitingFor } : {}) };
    writeFileSync(`${this.path}.tmp`, JSON.stringify(body));
    renameSync(`${this.path}.tmp`, this.path);
  }
}
