// Which source says an agent's live state, so the state never flaps between them. Three report it:
// the transcript (each line read), the agent CLI's hooks (where `hooks install` put them), and
// Claude Code's own sessions/<pid>.json (2.1.332: idle, busy, waiting and why; claude-sessions.ts).
// - Once Claude's sessions file has spoken for an agent, the transcript no longer sets its state
//   (Claude's own status is the truth; the transcript still gives context and turns).
// - Between a hook and the sessions file, the newer report wins: a hook dates from when it arrived,
//   the file from its statusUpdatedAt. An older report read late (the hook is faster, a file read
//   may finish after a later one) changes nothing.
// - Without a sessions file (Claude 2.1.197, Codex): a hook's waiting against a transcript read
//   late. Claude writes the tool_use line and then asks the person (Notification hook); the hook
//   reaches the daemon in a few ms through inotify, the transcript line may be read after it, and
//   the line alone says "working". The waiting holds until a line written after the hook is read.
import type { AgentState } from '../../core/agent.js';

export class WaitingHold {
  /** When each agent's hook said waiting (daemon clock, ms). */
  private readonly since = new Map<string, number>();
  /** When the state last taken from a hook or the sessions file was said (ms), per agent. */
  private readonly lastLive = new Map<string, number>();
  /** Agents whose Claude writes its own status: the transcript does not set their state. */
  private readonly fromSessions = new Set<string>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Notes the state a hook reported: waiting holds from now; any other hook state ends the hold. */
  hooked(agentId: string, state: AgentState): void {
    this.lastLive.set(agentId, this.now());
    if (state === 'waiting') this.since.set(agentId, this.now());
    else this.since.delete(agentId);
  }

  /** Whether a status from Claude's sessions file, changed at `at` (ms), is to be taken: not when a newer hook or file spoke. */
  sessionsSaid(agentId: string, at: number): boolean {
    this.fromSessions.add(agentId);
    const last = this.lastLive.get(agentId);
    if (last !== undefined && last > at) return false;
    this.lastLive.set(agentId, at);
    this.since.delete(agentId); // the file says waiting itself: no hold against the transcript is needed
    return true;
  }

  /**
   * The state to publish when the transcript says `fromTranscript`: the current one for an agent whose
   * Claude writes its own status; else a hook's waiting stays until the transcript has a line
   * written after the hook came (the person answered, the turn went on).
   */
  resolve(agentId: string, current: AgentState, fromTranscript: AgentState, lastActivityAt: string | null): AgentState {
    if (this.fromSessions.has(agentId)) return current;
    const since = this.since.get(agentId);
    if (since === undefined || current !== 'waiting') return fromTranscript;
    const last = Date.parse(lastActivityAt ?? '');
    if (Number.isFinite(last) && last > since) {
      this.since.delete(agentId);
      return fromTranscript;
    }
    return 'waiting';
  }

  forget(agentId: string): void {
    this.since.delete(agentId);
    this.lastLive.delete(agentId);
    this.fromSessions.delete(agentId);
  }
}
