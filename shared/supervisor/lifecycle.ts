/**
 * Silence alerts and the patient lifecycle, from what the replica holds
 * (contacts, conversations, messages). Rules are documented in docs/supervisor.md.
 */
import type { Channel, ConversationStatus } from '../domain/types';
import { CHINA_OFFSET_MINUTES, DAY_MS, lastPeriods } from './periods';

export interface SilenceConversation {
  conversationId: string;
  contactId: string;
  contactName: string;
  channel: Channel;
  status: ConversationStatus;
  assigneeId: string | null;
  createdAt: number;
  messages: readonly { direction: 'inbound' | 'outbound'; createdAt: number; body: string; recalledAt: number | null }[];
}

export interface SilenceAlert {
  conversationId: string;
  contactId: string;
  contactName: string;
  channel: Channel;
  assigneeId: string | null;
  /**
   * never_wrote: the patient opened the conversation (it exists: a chat session, a
   * scanned QR code, a missed call record) but has not written a word since;
   * went_quiet: we answered and the patient has not written back.
   */
  kind: 'never_wrote' | 'went_quiet';
  /** Since when nothing came from the patient. */
  since: number;
  days: number;
}

/**
 * A conversation that is still open or pending (not resolved, not deliberately
 * snoozed) where nothing has come from the patient for `days` (3) days: either
 * they never wrote anything (only the opening, or only our messages), or the last
 * message is ours and they went quiet after it.
 */
export function silenceAlerts(convs: readonly SilenceConversation[], opts: { now: number; days?: number }): SilenceAlert[] {
  const limit = (opts.days ?? 3) * DAY_MS;
  const out: SilenceAlert[] = [];
  for (const c of convs) {
    if (c.status !== 'open' && c.status !== 'pending') continue;
    const msgs = [...c.messages].filter((m) => m.recalledAt === null).sort((a, b) => a.createdAt - b.createdAt);
    const fromPatient = msgs.filter((m) => m.direction === 'inbound' && m.body.trim() !== '');
    const last = msgs[msgs.length - 1];
    let kind: SilenceAlert['kind'] | null = null;
    let since = 0;
    if (!fromPatient.length) {
      kind = 'never_wrote';
      since = c.createdAt;
    } else if (last && last.direction === 'outbound') {
      kind = 'went_quiet';
      since = last.createdAt;
    }
    if (kind && opts.now - since >= limit) {
      out.push({ conversationId: c.conversationId, contactId: c.contactId, contactName: c.contactName, channel: c.channel, assigneeId: c.assigneeId, kind, since, days: Math.floor((opts.now - since) / DAY_MS) });
    }
  }
  return out.sort((a, b) => a.since - b.since || a.conversationId.localeCompare(b.conversationId));
}

export const lifecycleStages = ['registered', 'first_contact', 'repeat', 'silent', 'returned'] as const;
export type LifecycleStage = (typeof lifecycleStages)[number];

export interface LifecycleContact {
  contactId: string;
  createdAt: number;
  /** Patient messages: when, and in which conversation. */
  messages: readonly { at: number; conversationId: string }[];
}

/**
 * A patient's stage at time `t` (`silentDays` = 30):
 * - registered: known to the clinic, never wrote yet;
 * - silent: wrote before, but not in the last 30 days;
 * - returned: writing again (within 30 days) after a silence of more than 30 days;
 * - repeat: writing in two or more conversations, no long silence;
 * - first_contact: writing in one conversation only.
 * Contacts created after `t` have no stage (null).
 */
export function lifecycleStage(c: LifecycleContact, t: number, silentDays = 30): LifecycleStage | null {
  if (c.createdAt > t) return null;
  const msgs = c.messages.filter((m) => m.at <= t).sort((a, b) => a.at - b.at);
  if (!msgs.length) return 'registered';
  const silent = silentDays * DAY_MS;
  const last = msgs[msgs.length - 1]!;
  if (t - last.at > silent) return 'silent';
  for (let i = msgs.length - 1; i > 0; i--) if (msgs[i]!.at - msgs[i - 1]!.at > silent) return 'returned';
  return new Set(msgs.map((m) => m.conversationId)).size >= 2 ? 'repeat' : 'first_contact';
}

/** How many patients were in each stage at the end of each of the last `weeks` weeks. */
export function lifecycleSeries(contacts: readonly LifecycleContact[], opts: { now: number; weeks: number; silentDays?: number; offsetMinutes?: number }): { periods: string[]; series: Record<LifecycleStage, number[]>; current: Record<LifecycleStage, number> } {
  const weeks = lastPeriods(opts.now, 'week', opts.weeks, opts.offsetMinutes ?? CHINA_OFFSET_MINUTES);
  const series = Object.fromEntries(lifecycleStages.map((s) => [s, weeks.map(() => 0)])) as Record<LifecycleStage, number[]>;
  weeks.forEach((w, i) => {
    // End of that week, or now for the current (partial) week.
    const t = Math.min(opts.now, (weeks[i + 1]?.start ?? Number.POSITIVE_INFINITY) - 1);
    for (const c of contacts) {
      const s = lifecycleStage(c, t, opts.silentDays);
      if (s) series[s][i]!++;
    }
  });
  const current = Object.fromEntries(lifecycleStages.map((s) => [s, series[s][weeks.length - 1] ?? 0])) as Record<LifecycleStage, number>;
  return { periods: weeks.map((w) => w.key), series, current };
}
