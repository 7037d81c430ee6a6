/**
 * The live dashboard, computed from the hub's current state: queues, agents'
 * presence and load, the bot-to-human transfer rate and overflow. Pure; the hub
 * feeds it its rows and the WebSocket presence.
 */
import type { Channel, ConversationStatus, Priority } from '../domain/types';
import { DEFAULT_SLA_MINUTES } from './analysis';
import { MINUTE_MS, round1 } from './periods';
import type { Surge } from './tide';

export interface DashConversation {
  id: string;
  teamId: string | null;
  assigneeId: string | null;
  status: ConversationStatus;
  priority: Priority;
  channel: Channel;
  /** The patient's unanswered message(s) started waiting at (null = nothing owed). */
  waitingSince: number | null;
  /** A bot answered in it (an outbound message marked as bot/auto-reply). */
  botHandled: boolean;
  /** …and a person answered after the bot. */
  humanAfterBot: boolean;
  lastMessageAt: number;
}

export interface DashUser {
  id: string;
  displayName: string;
  role: string;
  teamIds: string[];
  disabled: boolean;
}

export type AgentState = 'online' | 'busy' | 'away' | 'offline' | 'unknown';
export type OverflowState = 'normal' | 'busy' | 'overflow';

export interface DashboardInput {
  now: number;
  teams: { id: string; name: string }[];
  users: DashUser[];
  conversations: DashConversation[];
  /** Who is connected now (WebSocket); null = the hub did not say (presence not wired). */
  connected: { userId: string }[] | null;
  /** Last staff action (mutation) or sign-in per user. */
  lastActivity: Record<string, number>;
  surges: Surge[];
  /** Concurrent open conversations one person can carry. */
  capacity?: number;
  awayAfterMs?: number;
  slaMinutes?: Record<Priority, number>;
}

export interface QueueStat {
  teamId: string;
  name: string;
  /** Patients waiting for a reply (assigned or not). */
  waiting: number;
  /** Of those, not yet taken by anyone (the queue proper). */
  unassigned: number;
  longestWaitMs: number | null;
  slaBreaches: number;
  agentsOnline: number;
  freeCapacity: number;
  overflow: OverflowState;
}

export interface AgentStat {
  id: string;
  name: string;
  role: string;
  teamIds: string[];
  state: AgentState;
  load: number;
  capacity: number;
  lastActivityAt: number | null;
}

export interface Dashboard {
  generatedAt: number;
  queues: QueueStat[];
  agents: AgentStat[];
  totals: { online: number; busy: number; away: number; offline: number; waiting: number; slaBreaches: number };
  presenceAvailable: boolean;
  /** Bot-to-human transfers among conversations a bot answered (rate null = no bot data: show n/a). */
  bot: { handled: number; transferred: number; rate: number | null };
  surges: Surge[];
}

const STAFF_ROLES = new Set(['agent', 'nurse']);
export const isBotMessage = (m: { direction: string; contentType: string; authorId: string | null }): boolean =>
  m.direction === 'outbound' && (m.contentType === 'bot' || m.contentType === 'auto_reply' || (m.authorId ?? '').startsWith('bot'));

/**
 * - waiting: the patient's last message is unanswered and the conversation is not
 *   resolved or snoozed; longest wait and SLA breaches (priority targets) over those;
 * - agent state: offline = no live connection; away = connected but no action for
 *   15 min; busy = load ≥ capacity; online = otherwise;
 * - overflow per queue: unassigned waiting > free capacity of its online agents
 *   (busy when more than half of it is needed; overflow with nobody online).
 */
export function buildDashboard(input: DashboardInput): Dashboard {
  const capacity = input.capacity ?? 5;
  const awayAfter = input.awayAfterMs ?? 15 * MINUTE_MS;
  const sla = input.slaMinutes ?? DEFAULT_SLA_MINUTES;
  const connected = input.connected ? new Set(input.connected.map((c) => c.userId)) : null;
  const active = input.conversations.filter((c) => c.status === 'open' || c.status === 'pending');

  const agents: AgentStat[] = input.users
    .filter((u) => !u.disabled && STAFF_ROLES.has(u.role))
    .map((u) => {
      const load = active.filter((c) => c.assigneeId === u.id).length;
      const last = input.lastActivity[u.id] ?? null;
      const state: AgentState = !connected ? 'unknown' : !connected.has(u.id) ? 'offline' : last === null || input.now - last > awayAfter ? 'away' : load >= capacity ? 'busy' : 'online';
      return { id: u.id, name: u.displayName, role: u.role, teamIds: u.teamIds, state, load, capacity, lastActivityAt: last };
    })
    .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));

  const waitingAll = active.filter((c) => c.waitingSince !== null);
  const breached = (c: DashConversation) => input.now - c.waitingSince! > sla[c.priority] * MINUTE_MS;
  const queues: QueueStat[] = input.teams.map((t) => {
    const w = waitingAll.filter((c) => c.teamId === t.id);
    const unassigned = w.filter((c) => c.assigneeId === null).length;
    const team = agents.filter((a) => a.teamIds.includes(t.id) && (a.state === 'online' || a.state === 'busy'));
    const free = team.reduce((s, a) => s + Math.max(0, a.capacity - a.load), 0);
    const overflow: OverflowState = unassigned === 0 ? 'normal' : team.length === 0 || unassigned > free ? 'overflow' : unassigned > free / 2 ? 'busy' : 'normal';
    return {
      teamId: t.id,
      name: t.name,
      waiting: w.length,
      unassigned,
      longestWaitMs: w.length ? Math.max(...w.map((c) => input.now - c.waitingSince!)) : null,
      slaBreaches: w.filter(breached).length,
      agentsOnline: team.length,
      freeCapacity: free,
      overflow,
    };
  });

  const handled = input.conversations.filter((c) => c.botHandled);
  const transferred = handled.filter((c) => c.humanAfterBot).length;
  const count = (s: AgentState) => agents.filter((a) => a.state === s).length;
  return {
    generatedAt: input.now,
    queues,
    agents,
    totals: { online: count('online'), busy: count('busy'), away: count('away'), offline: count('offline'), waiting: waitingAll.length, slaBreaches: waitingAll.filter(breached).length },
    presenceAvailable: connected !== null,
    bot: { handled: handled.length, transferred, rate: handled.length ? round1((100 * transferred) / handled.length) : null },
    surges: input.surges,
  };
}
