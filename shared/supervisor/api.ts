/**
 * Shapes of what the hub's QA API answers and what the workstation's supervisor
 * methods return (zod, so both sides check them). See docs/supervisor.md.
 */
import { z } from 'zod';
import { channelSchema, conversationStatusSchema, prioritySchema } from '../domain/types';
import { autoKeySchema, qaFormSchema } from './forms';
import { qaAnswerSchema } from './scoring';
import { surveySettingsSchema } from './surveys';
import { lifecycleStages } from './lifecycle';

export const evidenceSchema = z.object({ code: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])) });
export const preScoreSchema = z.object({
  key: autoKeySchema,
  value: z.union([z.number(), z.literal('na')]),
  max: z.number(),
  confidence: z.enum(['high', 'low']),
  evidence: evidenceSchema,
});
export const flagKindSchema = z.enum(['red_flag', 'compliance', 'negative_sentiment', 'long_wait', 'recall']);
export const reviewFlagSchema = z.object({ kind: flagKindSchema, evidence: evidenceSchema });

export const reviewStatuses = ['queued', 'submitted', 'disputed', 'upheld', 'revised'] as const;
export const reviewStatusSchema = z.enum(reviewStatuses);
export const reviewSources = ['sample', 'flag', 'manual', 'calibration'] as const;
export const reviewSourceSchema = z.enum(reviewSources);

export const disputeSchema = z.object({
  id: z.string(),
  reason: z.string(),
  status: z.enum(['open', 'upheld', 'revised']),
  response: z.string(),
  previousScore: z.number().nullable(),
  createdAt: z.number(),
  resolvedAt: z.number().nullable(),
  resolvedBy: z.string().nullable(),
});

export const qaReviewSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  contactName: z.string(),
  channel: channelSchema,
  agentId: z.string().nullable(),
  agentName: z.string(),
  teamId: z.string().nullable(),
  reviewerId: z.string().nullable(),
  reviewerName: z.string(),
  formId: z.string(),
  formVersion: z.number().int(),
  status: reviewStatusSchema,
  source: reviewSourceSchema,
  period: z.string(),
  flags: z.array(reviewFlagSchema),
  prescore: z.array(preScoreSchema),
  answers: z.array(qaAnswerSchema),
  score: z.number().nullable(),
  autoFailed: z.boolean(),
  comment: z.string(),
  createdAt: z.number(),
  submittedAt: z.number().nullable(),
  dispute: disputeSchema.nullable(),
});
export type QaReviewView = z.infer<typeof qaReviewSchema>;

export const reviewMessageSchema = z.object({
  id: z.string(),
  direction: z.enum(['inbound', 'outbound']),
  authorName: z.string().nullable(),
  body: z.string(),
  createdAt: z.number(),
  recalledAt: z.number().nullable(),
  deviceAlert: z.boolean(),
  level: z.number().nullable(),
  redFlags: z.array(z.string()),
  compliance: z.array(z.string()),
});

export const timingsSchema = z.object({
  firstResponseMs: z.number().nullable(),
  gapsMs: z.array(z.number()),
  medianGapMs: z.number().nullable(),
  maxGapMs: z.number().nullable(),
  waitingSince: z.number().nullable(),
});

export const reviewDetailSchema = z.object({
  review: qaReviewSchema,
  form: qaFormSchema,
  conversation: z.object({
    id: z.string(),
    contactName: z.string(),
    channel: channelSchema,
    status: conversationStatusSchema,
    priority: prioritySchema,
    messages: z.array(reviewMessageSchema),
    timings: timingsSchema,
    transfers: z.number().int(),
  }),
  /** Other reviews of the same conversation (calibration). */
  others: z.array(qaReviewSchema),
});
export type ReviewDetail = z.infer<typeof reviewDetailSchema>;

export const fillQueueResultSchema = z.object({ period: z.string(), considered: z.number().int(), sampled: z.number().int(), flagged: z.number().int(), created: z.number().int() });

export const calibrationSchema = z.object({
  conversationId: z.string(),
  form: qaFormSchema.nullable(),
  reviews: z.array(z.object({ reviewId: z.string(), reviewerName: z.string(), score: z.number().nullable(), formVersion: z.number().int() })),
  pairs: z.array(
    z.object({
      a: z.string(),
      b: z.string(),
      agreement: z.number(),
      delta: z.number().nullable(),
      rows: z.array(z.object({ questionId: z.string(), a: z.union([z.number(), z.literal('na')]).nullable(), b: z.union([z.number(), z.literal('na')]).nullable(), agree: z.boolean() })),
    }),
  ),
});

const localized = z.object({ 'zh-CN': z.string(), en: z.string() });
export const surgeSchema = z.object({ topicId: z.string(), label: localized, current: z.number(), usual: z.number(), ratio: z.number(), conversationIds: z.array(z.string()) });

export const dashboardSchema = z.object({
  generatedAt: z.number(),
  queues: z.array(
    z.object({
      teamId: z.string(),
      name: z.string(),
      waiting: z.number().int(),
      unassigned: z.number().int(),
      longestWaitMs: z.number().nullable(),
      slaBreaches: z.number().int(),
      agentsOnline: z.number().int(),
      freeCapacity: z.number().int(),
      overflow: z.enum(['normal', 'busy', 'overflow']),
    }),
  ),
  agents: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      role: z.string(),
      teamIds: z.array(z.string()),
      state: z.enum(['online', 'busy', 'away', 'offline', 'unknown']),
      load: z.number().int(),
      capacity: z.number().int(),
      lastActivityAt: z.number().nullable(),
    }),
  ),
  totals: z.object({ online: z.number(), busy: z.number(), away: z.number(), offline: z.number(), waiting: z.number(), slaBreaches: z.number() }),
  presenceAvailable: z.boolean(),
  bot: z.object({ handled: z.number(), transferred: z.number(), rate: z.number().nullable() }),
  surges: z.array(surgeSchema),
  /** Knowledge packs already pushed for a surging topic (so the button says so). */
  pushed: z.array(z.object({ topicId: z.string(), at: z.number(), items: z.number() })),
});
export type DashboardView = z.infer<typeof dashboardSchema>;

const csatSchema = z.object({ csat: z.number().nullable(), n: z.number(), satisfied: z.number(), mean: z.number().nullable() });
const npsSchema = z.object({ nps: z.number().nullable(), n: z.number(), promoters: z.number(), passives: z.number(), detractors: z.number() });
export const surveyResultsSchema = z.object({
  groupBy: z.enum(['agent', 'team', 'channel']),
  groups: z.array(z.object({ key: z.string(), label: z.string(), csat: csatSchema, nps: npsSchema })),
  overall: z.object({ csat: csatSchema, nps: npsSchema }),
  counts: z.object({ pending: z.number(), sent: z.number(), answered: z.number(), skipped: z.number(), failed: z.number() }),
});
export type SurveyResultsView = z.infer<typeof surveyResultsSchema>;
export { surveySettingsSchema };

// ---- computed on the workstation from the replica ---------------------------

export const timelineSchema = z.object({
  conversation: z.object({ id: z.string(), contactName: z.string(), channel: channelSchema, status: conversationStatusSchema, assigneeName: z.string().nullable() }),
  points: z.array(z.object({ messageId: z.string(), at: z.number(), level: z.number(), score: z.number(), anxious: z.boolean(), excerpt: z.string() })),
  markers: z.array(z.object({ kind: z.enum(['reply', 'transfer', 'red_flag', 'device_alert', 'recall']), at: z.number(), messageId: z.string().nullable(), detail: z.string() })),
  summary: z.object({ count: z.number(), mean: z.number().nullable(), min: z.number().nullable(), first: z.number().nullable(), last: z.number().nullable() }),
  messages: z.array(z.object({ id: z.string(), direction: z.enum(['inbound', 'outbound']), authorName: z.string().nullable(), body: z.string(), createdAt: z.number(), recalledAt: z.number().nullable() })),
});
export type TimelineView = z.infer<typeof timelineSchema>;

export const trendsSchema = z.object({
  periods: z.array(z.string()),
  groups: z.array(
    z.object({
      id: z.string(),
      label: z.string(),
      total: z.number(),
      mean: z.number().nullable(),
      rows: z.array(z.object({ period: z.string(), n: z.number(), mean: z.number().nullable(), dist: z.array(z.number()).length(5) })),
    }),
  ),
});
export type TrendsView = z.infer<typeof trendsSchema>;

export const drillSchema = z.object({ items: z.array(z.object({ conversationId: z.string(), contactName: z.string(), n: z.number(), mean: z.number(), min: z.number() })) });

export const tideSchema = z.object({
  periods: z.array(z.string()),
  terms: z.array(z.object({ id: z.string(), label: localized, kind: z.string().nullable(), counts: z.array(z.number()), total: z.number(), recent: z.number(), usual: z.number(), rising: z.boolean() })),
});
export type TideView = z.infer<typeof tideSchema>;

export const silenceSchema = z.object({
  days: z.number(),
  items: z.array(
    z.object({
      conversationId: z.string(),
      contactId: z.string(),
      contactName: z.string(),
      channel: channelSchema,
      assigneeName: z.string().nullable(),
      kind: z.enum(['never_wrote', 'went_quiet']),
      since: z.number(),
      days: z.number(),
    }),
  ),
});
export type SilenceView = z.infer<typeof silenceSchema>;

const stageCounts = z.object(Object.fromEntries(lifecycleStages.map((s) => [s, z.number()])) as Record<(typeof lifecycleStages)[number], z.ZodNumber>);
export const lifecycleSchema = z.object({
  periods: z.array(z.string()),
  series: z.object(Object.fromEntries(lifecycleStages.map((s) => [s, z.array(z.number())])) as Record<(typeof lifecycleStages)[number], z.ZodArray<z.ZodNumber>>),
  current: stageCounts,
  contacts: z.number(),
});
export type LifecycleView = z.infer<typeof lifecycleSchema>;
