import type { Channel, Language, Priority } from '../../shared/domain/types';
import type { Role } from '../../shared/sync/entities';

/**
 * Routing decisions as pure functions (no clock, no store): which queue takes a
 * conversation, which agent gets it, in what order the waiting line is served,
 * when it overflows. `router.ts` feeds them the hub's state and applies the plan.
 */

export interface QueueDef {
  id: string;
  teamId: string;
  channels?: readonly Channel[] | undefined;
  departments?: readonly string[] | undefined;
  overflowTo?: string | undefined;
  overflowAfterSeconds?: number | undefined;
}

export interface RouteRequest {
  channel: Channel;
  language: Language;
  department: string | null;
}

export interface AgentState {
  id: string;
  role: Role;
  teamIds: readonly string[];
  disabled: boolean;
  online: boolean;
  /** Open conversations assigned now. */
  load: number;
  capacity: number;
  /** Skills; undefined = any. */
  languages?: readonly Language[] | undefined;
  departments?: readonly string[] | undefined;
}

export interface WaitingItem {
  conversationId: string;
  queueId: string;
  priority: Priority;
  enqueuedAt: number;
  language: Language;
  department: string | null;
  channel: Channel;
  overflowed: boolean;
}

export type Strategy = 'least_loaded' | 'round_robin';

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;
const LATIN = /[A-Za-z]/;

/** zh-CN when the text has Chinese characters, en when it is Latin letters only, else the fallback. */
export function detectLanguage(text: string, fallback: Language = 'zh-CN'): Language {
  if (CJK.test(text)) return 'zh-CN';
  if (LATIN.test(text)) return 'en';
  return fallback;
}

/**
 * The first queue that takes the channel and (if the conversation has one) the
 * department; failing a department match, the first queue taking the channel;
 * failing that, the implicit queue of the fallback team.
 */
export function selectQueue(queues: readonly QueueDef[], req: RouteRequest, fallbackTeamId: string): QueueDef {
  const byChannel = queues.filter((q) => !q.channels || q.channels.length === 0 || q.channels.includes(req.channel));
  if (req.department) {
    const d = byChannel.find((q) => q.departments?.includes(req.department!));
    if (d) return d;
  }
  return byChannel[0] ?? { id: `team:${fallbackTeamId}`, teamId: fallbackTeamId };
}

const TAKES_CONVERSATIONS: readonly Role[] = ['agent', 'nurse'];

/** Agents of the queue's team who may take this conversation now (capacity, skills, presence). */
export function eligibleAgents(agents: readonly AgentState[], queue: QueueDef, req: Pick<RouteRequest, 'language' | 'department'>, requireOnline: boolean): AgentState[] {
  return agents.filter(
    (a) =>
      !a.disabled &&
      TAKES_CONVERSATIONS.includes(a.role) &&
      a.teamIds.includes(queue.teamId) &&
      (!requireOnline || a.online) &&
      a.load < a.capacity &&
      (!a.languages || a.languages.length === 0 || a.languages.includes(req.language)) &&
      (!req.department || !a.departments || a.departments.length === 0 || a.departments.includes(req.department)),
  );
}

/**
 * least_loaded: the lowest load relative to capacity (then lowest load, then id).
 * round_robin: the next agent by id after `cursor` (wrapping), among the eligible.
 */
export function pickAgent(eligible: readonly AgentState[], strategy: Strategy, cursor: string | null): { agentId: string; cursor: string } | null {
  if (eligible.length === 0) return null;
  if (strategy === 'round_robin') {
    const ids = eligible.map((a) => a.id).sort();
    const next = ids.find((id) => cursor === null || id > cursor) ?? ids[0]!;
    return { agentId: next, cursor: next };
  }
  const best = [...eligible].sort((a, b) => a.load / Math.max(a.capacity, 1) - b.load / Math.max(b.capacity, 1) || a.load - b.load || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))[0]!;
  return { agentId: best.id, cursor: best.id };
}

const RANK: Record<Priority, number> = { urgent: 0, high: 1, normal: 2, low: 3 };

/** Clinical urgency first (urgent jumps the line), then first come first served. */
export function orderWaiting<T extends Pick<WaitingItem, 'priority' | 'enqueuedAt' | 'conversationId'>>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => RANK[a.priority] - RANK[b.priority] || a.enqueuedAt - b.enqueuedAt || (a.conversationId < b.conversationId ? -1 : 1));
}

/** The queue a waiting conversation moves to now, if its wait passed its queue's threshold (once only). */
export function overflowTarget(item: Pick<WaitingItem, 'queueId' | 'enqueuedAt' | 'overflowed'>, queues: readonly QueueDef[], now: number): QueueDef | null {
  if (item.overflowed) return null;
  const q = queues.find((x) => x.id === item.queueId);
  if (!q?.overflowTo || !q.overflowAfterSeconds) return null;
  if (now - item.enqueuedAt < q.overflowAfterSeconds * 1000) return null;
  return queues.find((x) => x.id === q.overflowTo) ?? null;
}

export interface Plan {
  overflows: { conversationId: string; from: string; to: QueueDef }[];
  assignments: { conversationId: string; agentId: string; queueId: string }[];
  cursors: Record<string, string>;
}

/**
 * One routing round: overflow what waited too long, then serve the waiting line in
 * urgency order, each conversation to the best eligible agent of its queue (loads
 * grow as the round assigns, so one agent is not handed everything at once).
 */
export function planRound(
  waiting: readonly WaitingItem[],
  agents: readonly AgentState[],
  queues: readonly QueueDef[],
  opts: { strategy: Strategy; requireOnline: boolean; cursors: Readonly<Record<string, string>>; now: number; fallbackTeamId: string },
): Plan {
  const plan: Plan = { overflows: [], assignments: [], cursors: { ...opts.cursors } };
  const load = new Map(agents.map((a) => [a.id, a.load]));
  const items = waiting.map((w) => {
    const to = overflowTarget(w, queues, opts.now);
    if (!to) return w;
    plan.overflows.push({ conversationId: w.conversationId, from: w.queueId, to });
    return { ...w, queueId: to.id, overflowed: true };
  });
  for (const w of orderWaiting(items)) {
    const queue = queues.find((q) => q.id === w.queueId) ?? (w.queueId.startsWith('team:') ? { id: w.queueId, teamId: w.queueId.slice(5) } : { id: w.queueId, teamId: opts.fallbackTeamId });
    const current = agents.map((a) => ({ ...a, load: load.get(a.id) ?? a.load }));
    const pick = pickAgent(eligibleAgents(current, queue, w, opts.requireOnline), opts.strategy, plan.cursors[queue.id] ?? null);
    if (!pick) continue;
    plan.cursors[queue.id] = pick.cursor;
    load.set(pick.agentId, (load.get(pick.agentId) ?? 0) + 1);
    plan.assignments.push({ conversationId: w.conversationId, agentId: pick.agentId, queueId: queue.id });
  }
  return plan;
}
