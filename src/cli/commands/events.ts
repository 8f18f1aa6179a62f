// `events`: the agents now, and with --follow what happens to them, as lines for people or, with
// --json, JSON lines. An agent-updated event says which fields changed (state, context, git, ...).
import { escapeControl } from '../output.js';
import type { Command } from '../command.js';
import { flag } from '../command.js';
import type { AgentRecord } from '../../core/agent.js';
import type { DaemonEvent } from '../../daemon/protocol.js';
import { daemonIfAgents, sayNoAgents } from '../read-only.js';

/** Fields whose change is worth telling apart, in the order they are named. */
const FIELDS = ['state', 'context', 'git', 'conversation', 'pr', 'sessionId', 'paneId', 'exitCode'] as const;

function changedFields(before: AgentRecord | undefined, after: AgentRecord): string[] {
  if (!before) return [];
  return FIELDS.filter((f) => JSON.stringify(before[f]) !== JSON.stringify(after[f]));
}

/** One line for a person: "12:00:01 a1 state working -> idle". */
function humanLine(e: DaemonEvent & { changed?: string[] }, before: AgentRecord | undefined): string {
  const time = new Date().toISOString().slice(11, 19);
  if (e.event === 'daemon-stopping') return `${time} the daemon is stopping`;
  if (e.event === 'journal') return `${time} ${e.problem ?? 'the journal is written again'}`;
  const a = e.agent;
  switch (e.event) {
    case 'agent-added': return `${time} ${a.name} spawned (${a.profile}, pane ${a.paneId ?? '-'})`;
    case 'agent-removed': return `${time} ${a.name} removed`;
    case 'agent-attention': return `${time} ${a.name} ${e.kind}: ${e.text}`;
    default: {
      const parts = (e.changed ?? []).map((f) => (f === 'state' ? `state ${before?.state ?? '?'} -> ${a.state}${a.state === 'exited' ? ` (${a.exitCode ?? '?'})` : ''}`
        : f === 'context' && a.context ? `context ${a.context.percent ?? '?'}%` : f));
      return `${time} ${a.name} ${parts.join(', ') || 'updated'}`;
    }
  }
}

export const events: Command = {
  name: 'events',
  usage: 'events [--follow] [--json]',
  summary: 'the agents now and, with --follow, each change as it happens (spawned, state, context, git, exited, attention)',
  options: { follow: { type: 'boolean', help: 'keep streaming events until interrupted' } },
  async run(ctx) {
    const follow = flag(ctx, 'follow');
    // Following waits for agents to come, so it needs a daemon; a look at the agents now does not.
    const client = follow ? await ctx.daemon() : await daemonIfAgents(ctx);
    if (!client) {
      sayNoAgents(ctx);
      if (ctx.json) process.stdout.write(JSON.stringify({ event: 'snapshot', agents: [] }) + '\n');
      return;
    }
    const known = new Map<string, AgentRecord>();
    if (follow) {
      client.onEvent((e) => {
        const before = 'agent' in e ? known.get(e.agent.id) : undefined;
        const changed = e.event === 'agent-updated' ? changedFields(before, e.agent) : undefined;
        process.stdout.write(escapeControl((ctx.json ? JSON.stringify(changed ? { ...e, changed } : e) : humanLine({ ...e, changed } as DaemonEvent & { changed?: string[] }, before)) + '\n', true));
        if (e.event === 'agent-removed') known.delete(e.agent.id);
        else if (e.event === 'agent-added' || e.event === 'agent-updated') known.set(e.agent.id, e.agent);
      });
    }
    const snapshot = await client.request('subscribe', {});
    for (const a of snapshot.agents) known.set(a.id, a);
    if (ctx.json) process.stdout.write(JSON.stringify({ event: 'snapshot', agents: snapshot.agents }) + '\n');
    else for (const a of snapshot.agents) process.stdout.write(escapeControl(`${a.name} ${a.state}${a.context?.percent != null ? ` ctx ${Math.round(a.context.percent)}%` : ''}\n`, true));
    if (!follow) return void client.close();
    await client.closed;
  },
};
