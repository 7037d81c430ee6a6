import type { Channel, Language, Priority } from '../../shared/domain/types';
import { appendAudit } from '../audit/audit';
import type { HubContext } from '../app/context';
import type { ChannelsConfig } from '../channels/config';
import type { StoreTx } from '../store/store';
import type { ConversationRow } from '../store/types';
import { putConversation, type ChangeMeta } from '../sync/changes';
import { applyScopeChange } from '../sync/scope';
import type { RoutingConfig } from './config';
import { eligibleAgents, pickAgent, planRound, selectQueue, type AgentState, type Plan, type QueueDef, type WaitingItem } from './decide';

const CURSORS_KEY = 'routing_cursors';

export interface Placement {
  queue: QueueDef;
  teamId: string | null;
  assigneeId: string | null;
}

export interface RouterDeps {
  ctx: HubContext;
  routing: RoutingConfig;
  channels: ChannelsConfig;
  /** Users with a live workstation socket. */
  online: () => ReadonlySet<string>;
  write: <T>(fn: (tx: StoreTx) => Promise<T>) => Promise<T>;
}

/**
 * Applies the pure decisions of decide.ts to the hub: places new conversations
 * (queue → team, maybe an agent at once), remembers who waits, and on every tick
 * overflows and assigns the waiting line. Assignments go through the same scope
 * machinery as a supervisor's `conversation.assign` (snapshots and revokes).
 */
export class Router {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(private readonly d: RouterDeps) {}

  private get queues(): QueueDef[] {
    return this.d.routing.queues;
  }

  private async fallbackTeam(tx: StoreTx, channel: Channel): Promise<string | null> {
    const perChannel = (this.d.channels as unknown as Record<string, { teamId?: string } | undefined>)[channel]?.teamId;
    const wanted = perChannel ?? this.d.channels.defaultTeamId;
    if (wanted && (await tx.getTeam(wanted))) return wanted;
    return (await tx.listTeams())[0]?.id ?? null;
  }

  private async agents(tx: StoreTx): Promise<AgentState[]> {
    const loads = await tx.openLoadByAssignee();
    const online = this.d.online();
    return (await tx.listUsersWithTeams()).map((u) => {
      const cfg = this.d.routing.agents[u.id];
      return {
        id: u.id,
        role: u.role,
        teamIds: u.teamIds,
        disabled: u.disabled,
        online: online.has(u.id),
        load: loads[u.id] ?? 0,
        capacity: cfg?.capacity ?? this.d.routing.defaultCapacity,
        languages: cfg?.languages,
        departments: cfg?.departments,
      };
    });
  }

  private async cursors(tx: StoreTx): Promise<Record<string, string>> {
    const raw = await tx.getMeta(CURSORS_KEY);
    return raw ? (JSON.parse(raw) as Record<string, string>) : {};
  }

  /** Queue, team and (when someone can take it now) the agent of a brand-new conversation. */
  async place(tx: StoreTx, req: { channel: Channel; language: Language; department: string | null }): Promise<Placement> {
    const fallback = await this.fallbackTeam(tx, req.channel);
    if (fallback === null && this.queues.length === 0) return { queue: { id: 'none', teamId: '' }, teamId: null, assigneeId: null };
    const queue = selectQueue(this.queues, req, fallback ?? '');
    if (!this.d.routing.enabled) return { queue, teamId: queue.teamId, assigneeId: null };
    const cursors = await this.cursors(tx);
    const pick = pickAgent(eligibleAgents(await this.agents(tx), queue, req, this.d.routing.requireOnline), this.d.routing.strategy, cursors[queue.id] ?? null);
    if (pick) await tx.setMeta(CURSORS_KEY, JSON.stringify({ ...cursors, [queue.id]: pick.cursor }));
    return { queue, teamId: queue.teamId, assigneeId: pick?.agentId ?? null };
  }

  /** Remembers a routed conversation (waiting when it has no assignee yet). */
  async remember(tx: StoreTx, conversationId: string, placement: Placement, req: { language: Language; department: string | null }, now: number): Promise<void> {
    if (placement.teamId === null) return;
    await tx.putRoutingState({
      conversationId,
      queueId: placement.queue.id,
      enqueuedAt: now,
      language: req.language,
      department: req.department,
      overflowedAt: null,
      assignedAt: placement.assigneeId ? now : null,
      updatedAt: now,
    });
  }

  /** A known conversation needs someone again (reopened, or still unassigned): it (re)joins the line. */
  async requeue(tx: StoreTx, conv: ConversationRow, req: { language: Language; department: string | null }, now: number): Promise<void> {
    if (conv.assigneeId !== null || conv.teamId === null) return;
    const st = await tx.getRoutingState(conv.id);
    if (st && st.assignedAt === null) return; // already waiting: keep its place
    const queue = this.queues.find((q) => q.teamId === conv.teamId) ?? { id: `team:${conv.teamId}`, teamId: conv.teamId };
    await tx.putRoutingState({ conversationId: conv.id, queueId: st?.queueId ?? queue.id, enqueuedAt: now, language: req.language, department: req.department ?? st?.department ?? null, overflowedAt: null, assignedAt: null, updatedAt: now });
  }

  /** One routing round in one transaction. */
  async tick(): Promise<Plan | null> {
    if (!this.d.routing.enabled) return null;
    const waitingNow = await this.d.ctx.store.read((r) => r.waitingRouted());
    if (waitingNow.length === 0) return null;
    return this.d.write(async (tx) => {
      const now = this.d.ctx.now();
      const meta: ChangeMeta = { at: now, actorId: null };
      const items: WaitingItem[] = [];
      for (const st of await tx.waitingRouted()) {
        const conv = await tx.getConversation(st.conversationId);
        if (!conv || conv.assigneeId !== null || conv.status === 'resolved') {
          // Someone took it by hand, or it was closed: it no longer waits.
          await tx.putRoutingState({ ...st, assignedAt: now, updatedAt: now });
          continue;
        }
        items.push({ conversationId: conv.id, queueId: st.queueId, priority: conv.priority as Priority, enqueuedAt: st.enqueuedAt, language: st.language as Language, department: st.department, channel: conv.channel, overflowed: st.overflowedAt !== null });
      }
      if (items.length === 0) return null;
      const fallback = (await tx.listTeams())[0]?.id ?? '';
      const plan = planRound(items, await this.agents(tx), this.queues, { strategy: this.d.routing.strategy, requireOnline: this.d.routing.requireOnline, cursors: await this.cursors(tx), now, fallbackTeamId: fallback });
      for (const o of plan.overflows) {
        const conv = (await tx.getConversation(o.conversationId))!;
        if (conv.teamId !== o.to.teamId) await this.move(tx, conv, { teamId: o.to.teamId }, meta);
        const st = (await tx.getRoutingState(o.conversationId))!;
        await tx.putRoutingState({ ...st, queueId: o.to.id, overflowedAt: now, updatedAt: now });
        await appendAudit(tx, { at: now, userId: null, workstationId: null, action: 'routing.overflow', objectType: 'conversation', objectId: o.conversationId, outcome: 'ok', detail: { from: o.from, to: o.to.id } });
      }
      for (const a of plan.assignments) {
        const conv = (await tx.getConversation(a.conversationId))!;
        await this.move(tx, conv, { assigneeId: a.agentId }, meta);
        const st = (await tx.getRoutingState(a.conversationId))!;
        await tx.putRoutingState({ ...st, assignedAt: now, updatedAt: now });
        await appendAudit(tx, { at: now, userId: null, workstationId: null, action: 'routing.assign', objectType: 'conversation', objectId: a.conversationId, outcome: 'ok', detail: { assigneeId: a.agentId, queueId: a.queueId } });
      }
      await tx.setMeta(CURSORS_KEY, JSON.stringify(plan.cursors));
      return plan;
    });
  }

  /** Changes assignee/team with scope snapshots and revokes, like `conversation.assign`. */
  private async move(tx: StoreTx, conv: ConversationRow, patch: { assigneeId?: string | null; teamId?: string | null }, meta: ChangeMeta): Promise<void> {
    const prev: Record<string, unknown> = {};
    if (patch.assigneeId !== undefined && patch.assigneeId !== conv.assigneeId) prev.assigneeId = conv.assigneeId;
    if (patch.teamId !== undefined && patch.teamId !== conv.teamId) prev.teamId = conv.teamId;
    if (Object.keys(prev).length === 0) return;
    const updated: ConversationRow = { ...conv, ...patch, updatedAt: meta.at };
    await tx.updateConversation(conv.id, { ...patch, updatedAt: meta.at });
    const scope = await applyScopeChange(tx, conv, updated, meta, prev);
    if (!scope.emittedConversation) await putConversation(tx, updated, meta, prev);
  }

  start(): void {
    if (this.timer || !this.d.routing.enabled) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.tick()
        .catch((e: unknown) => this.d.ctx.log.error({ err: e }, 'routing tick failed'))
        .finally(() => {
          this.running = null;
        });
    }, this.d.routing.tickMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
