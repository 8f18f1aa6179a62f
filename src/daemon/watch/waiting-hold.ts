// A hook's "waiting" against a transcript read late. Claude writes the tool_use line and then asks
// the person (Notification hook); the hook reaches the daemon in a few ms through inotify, the
// transcript line may be read after it, and the line alone says "working". Without this the
// sidebar would show a person-blocked agent as working until the person happened to look.
import type { AgentState } from '../../core/agent.js';

export class WaitingHold {
  /** When each agent's hook said waiting (daemon clock, ms). */
  private readonly since = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Notes the state a hook reported: waiting holds from now; any other hook state ends the hold. */
  hooked(agentId: string, state: AgentState): void {
    if (state === 'waiting') this.since.set(agentId, this.now());
    else this.since.delete(agentId);
  }

  /**
   * The state to publish when the transcript says `fromTranscript`: a hook's waiting stays until the
   * transcript has a line written after the hook came (the person answered, the turn went on).
   */
  resolve(agentId: string, current: AgentState, fromTranscript: AgentState, lastActivityAt: string | null): AgentState {
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
  }
}
