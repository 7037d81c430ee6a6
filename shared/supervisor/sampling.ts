import { unitHash } from './hash';

export interface SampleCandidate {
  conversationId: string;
  /** The agent the conversation is scored for. */
  agentId: string;
}

export interface SampleOptions {
  /** Percentage of each agent's conversations to review, 0–100. */
  percent: number;
  /** The deployment's sampling seed (kept at the hub). */
  seed: string;
  /** The period being sampled, e.g. `2025-W10`: another period draws another sample. */
  period: string;
  /** Review at least this many per agent who had any conversation (default 1 when percent > 0). */
  minPerAgent?: number;
}

/**
 * Random sampling per agent that anyone can reproduce: every candidate gets a
 * pseudo-random rank from hash(seed, period, agent, conversation), and each agent's
 * ⌈percent × n⌉ lowest ranks are chosen. The same inputs always give the same sample,
 * in any input order; adding conversations to a period only adds to the sample
 * when the agent's quota grows (existing picks keep their rank).
 */
export function sampleConversations(candidates: readonly SampleCandidate[], opts: SampleOptions): string[] {
  if (opts.percent <= 0) return [];
  const byAgent = new Map<string, string[]>();
  for (const c of candidates) {
    const list = byAgent.get(c.agentId) ?? [];
    if (!list.includes(c.conversationId)) list.push(c.conversationId);
    byAgent.set(c.agentId, list);
  }
  const out: string[] = [];
  for (const [agentId, ids] of [...byAgent.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const quota = Math.min(ids.length, Math.max(opts.minPerAgent ?? 1, Math.ceil((ids.length * Math.min(opts.percent, 100)) / 100)));
    const ranked = ids.map((id) => ({ id, rank: unitHash(opts.seed, opts.period, agentId, id) })).sort((a, b) => a.rank - b.rank || a.id.localeCompare(b.id));
    out.push(...ranked.slice(0, quota).map((r) => r.id));
  }
  return out;
}
