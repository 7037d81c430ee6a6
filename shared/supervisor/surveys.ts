/**
 * CSAT and NPS: the formulas, the settings, and the scheduler that decides which
 * survey to send when. Sending itself is someone else's job (a `SurveySender` at
 * the hub, implemented by the channel adapters); this file only decides.
 */
import { z } from 'zod';
import { channels, type Channel } from '../domain/types';
import { CHINA_OFFSET_MINUTES, DAY_MS, HOUR_MS, localHour, round1, startOfDay } from './periods';

export type SurveyKind = 'csat' | 'nps';

export interface NpsResult {
  /** −100…+100 (one decimal), null without answers. */
  nps: number | null;
  n: number;
  promoters: number;
  passives: number;
  detractors: number;
}

/**
 * Net Promoter Score on the 0–10 "how likely are you to recommend" scale:
 * NPS = % promoters (9–10) − % detractors (0–6); passives (7–8) count only in the total.
 */
export function npsOf(scores: readonly number[]): NpsResult {
  const valid = scores.filter((s) => Number.isInteger(s) && s >= 0 && s <= 10);
  const promoters = valid.filter((s) => s >= 9).length;
  const detractors = valid.filter((s) => s <= 6).length;
  const n = valid.length;
  return { nps: n ? round1((100 * (promoters - detractors)) / n) : null, n, promoters, passives: n - promoters - detractors, detractors };
}

export interface CsatResult {
  /** % of answers that are 4 or 5 on the five-point scale (one decimal), null without answers. */
  csat: number | null;
  n: number;
  satisfied: number;
  /** Mean on 1–5, for reference. */
  mean: number | null;
}

/** CSAT = share of "satisfied" answers (4 or 5 on 1–5), in percent. */
export function csatOf(scores: readonly number[]): CsatResult {
  const valid = scores.filter((s) => Number.isInteger(s) && s >= 1 && s <= 5);
  const satisfied = valid.filter((s) => s >= 4).length;
  const n = valid.length;
  return { csat: n ? round1((100 * satisfied) / n) : null, n, satisfied, mean: n ? round1(valid.reduce((a, b) => a + b, 0) / n) : null };
}

export const surveySettingsSchema = z
  .object({
    csat: z.object({ enabled: z.boolean(), channels: z.record(z.enum(channels), z.boolean()) }).strict(),
    nps: z.object({ enabled: z.boolean(), channels: z.record(z.enum(channels), z.boolean()), delayHours: z.number().int().min(1).max(24 * 14), cooldownDays: z.number().int().min(0).max(365) }).strict(),
    /** Local hours when nothing is sent (a survey due then waits until `quietEnd`). */
    quietStart: z.number().int().min(0).max(23),
    quietEnd: z.number().int().min(0).max(23),
    /** Unknown consent counts as "not given" unless this is true. */
    sendOnUnknownConsent: z.boolean(),
  })
  .strict();
export type SurveySettings = z.infer<typeof surveySettingsSchema>;

const on = (list: readonly Channel[]) => Object.fromEntries(channels.map((c) => [c, list.includes(c)])) as Record<Channel, boolean>;

/** Devices and phone call records cannot answer a text survey: off by default. */
export const DEFAULT_SURVEY_SETTINGS: SurveySettings = {
  csat: { enabled: true, channels: on(['webchat', 'wechat', 'wecom', 'sms']) },
  nps: { enabled: true, channels: on(['webchat', 'wechat', 'wecom', 'sms', 'email']), delayHours: 48, cooldownDays: 90 },
  quietStart: 21,
  quietEnd: 8,
  sendOnUnknownConsent: false,
};

/** A resolved conversation, as the scheduler needs it. */
export interface Resolution {
  conversationId: string;
  contactId: string;
  channel: Channel;
  resolvedAt: number;
  /** Still resolved now? (a reopened conversation gets no NPS until resolved again) */
  stillResolved: boolean;
  agentId: string | null;
  teamId: string | null;
  /** The patient's consent on that channel. */
  consent: 'granted' | 'withdrawn' | 'unknown';
}

/** What was already planned or sent (from the hub's survey records). */
export interface SurveyRecordLike {
  kind: SurveyKind;
  conversationId: string;
  contactId: string;
  resolvedAt: number;
  createdAt: number;
  status: string;
}

export interface PlannedSurvey {
  kind: SurveyKind;
  conversationId: string;
  contactId: string;
  channel: Channel;
  resolvedAt: number;
  dueAt: number;
  agentId: string | null;
  teamId: string | null;
}

export type SkipReason = 'channel_off' | 'consent_withdrawn' | 'consent_unknown' | 'too_late' | 'cooldown' | 'disabled';

export interface SurveyPlan {
  /** Due now: send these. */
  send: PlannedSurvey[];
  /** Decided never to send (recorded so the decision is visible and not re-taken). */
  skip: (PlannedSurvey & { reason: SkipReason })[];
  /** Not due yet (the next tick will look again). */
  later: PlannedSurvey[];
}

/** CSAT must follow resolution closely to mean anything; NPS is still fine a few days late. */
export const CSAT_MAX_LATE_MS = 24 * HOUR_MS;
export const NPS_MAX_LATE_MS = 7 * DAY_MS;

/** Moves `at` out of quiet hours (to the next `quietEnd` local time). */
export function outOfQuietHours(at: number, s: Pick<SurveySettings, 'quietStart' | 'quietEnd'>, offsetMinutes = CHINA_OFFSET_MINUTES): number {
  const h = localHour(at, offsetMinutes);
  const quiet = s.quietStart > s.quietEnd ? h >= s.quietStart || h < s.quietEnd : h >= s.quietStart && h < s.quietEnd;
  if (!quiet || s.quietStart === s.quietEnd) return at;
  const dayStart = startOfDay(at, offsetMinutes);
  const todayEnd = dayStart + s.quietEnd * HOUR_MS;
  return todayEnd > at ? todayEnd : todayEnd + DAY_MS;
}

/**
 * Decides, at `now`, which surveys to send:
 * - CSAT: at resolution, on the conversation's channel, if CSAT is on for that
 *   channel and the patient consented there; once per resolution; skipped when
 *   more than 24 h late (a survey about yesterday's chat days later is noise).
 * - NPS: `delayHours` (48) after resolution, if the conversation is still resolved,
 *   at most once per contact per `cooldownDays`, same channel and consent rules;
 *   skipped when more than 7 days late.
 * - Nothing is sent in quiet hours: a survey due then waits until `quietEnd`.
 */
export function planSurveys(now: number, resolutions: readonly Resolution[], existing: readonly SurveyRecordLike[], settings: SurveySettings, offsetMinutes = CHINA_OFFSET_MINUTES): SurveyPlan {
  const plan: SurveyPlan = { send: [], skip: [], later: [] };
  const done = new Set(existing.map((r) => `${r.kind}|${r.conversationId}|${r.resolvedAt}`));
  const lastNps = new Map<string, number>();
  for (const r of existing) if (r.kind === 'nps' && r.status !== 'skipped') lastNps.set(r.contactId, Math.max(lastNps.get(r.contactId) ?? 0, r.createdAt));
  const sorted = [...resolutions].sort((a, b) => a.resolvedAt - b.resolvedAt || a.conversationId.localeCompare(b.conversationId));

  for (const kind of ['csat', 'nps'] as const) {
    for (const r of sorted) {
      if (done.has(`${kind}|${r.conversationId}|${r.resolvedAt}`)) continue;
      const base = r.resolvedAt + (kind === 'nps' ? settings.nps.delayHours * HOUR_MS : 0);
      const item: PlannedSurvey = { kind, conversationId: r.conversationId, contactId: r.contactId, channel: r.channel, resolvedAt: r.resolvedAt, dueAt: outOfQuietHours(base, settings, offsetMinutes), agentId: r.agentId, teamId: r.teamId };
      const cfg = settings[kind];
      const skip = (reason: SkipReason) => plan.skip.push({ ...item, reason });
      if (!cfg.enabled) {
        skip('disabled');
        continue;
      }
      if (!cfg.channels[r.channel]) {
        skip('channel_off');
        continue;
      }
      if (r.consent === 'withdrawn') {
        skip('consent_withdrawn');
        continue;
      }
      if (r.consent === 'unknown' && !settings.sendOnUnknownConsent) {
        skip('consent_unknown');
        continue;
      }
      if (kind === 'nps' && !r.stillResolved) continue; // reopened: decide after the next resolution
      if (item.dueAt > now) {
        plan.later.push(item);
        continue;
      }
      if (now - base > (kind === 'csat' ? CSAT_MAX_LATE_MS : NPS_MAX_LATE_MS)) {
        skip('too_late');
        continue;
      }
      if (kind === 'nps') {
        const last = lastNps.get(r.contactId);
        if (last !== undefined && now - last < settings.nps.cooldownDays * DAY_MS) {
          skip('cooldown');
          continue;
        }
        lastNps.set(r.contactId, now);
      }
      plan.send.push(item);
    }
  }
  return plan;
}

export interface SurveyAnswerLike {
  kind: SurveyKind;
  score: number | null;
  agentId: string | null;
  teamId: string | null;
  channel: Channel;
}

export interface SurveyGroupResult {
  key: string;
  csat: CsatResult;
  nps: NpsResult;
}

/** CSAT and NPS per agent, team or channel (answered surveys only). */
export function surveyResultsBy(records: readonly SurveyAnswerLike[], groupBy: 'agent' | 'team' | 'channel'): SurveyGroupResult[] {
  const groups = new Map<string, { csat: number[]; nps: number[] }>();
  for (const r of records) {
    if (r.score === null) continue;
    const key = (groupBy === 'agent' ? r.agentId : groupBy === 'team' ? r.teamId : r.channel) ?? '—';
    const g = groups.get(key) ?? { csat: [], nps: [] };
    g[r.kind].push(r.score);
    groups.set(key, g);
  }
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, g]) => ({ key, csat: csatOf(g.csat), nps: npsOf(g.nps) }));
}
