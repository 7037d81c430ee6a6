import { z } from 'zod';
import { domain, method } from './define';
import { idSchema, languageSchema } from '../domain/types';
import {
  calibrationSchema,
  dashboardSchema,
  drillSchema,
  fillQueueResultSchema,
  lifecycleSchema,
  qaReviewSchema,
  reviewDetailSchema,
  silenceSchema,
  surveyResultsSchema,
  surveySettingsSchema,
  tideSchema,
  timelineSchema,
  trendsSchema,
} from '../supervisor/api';
import { qaFormDraftSchema, qaFormSchema } from '../supervisor/forms';

/**
 * An answer from the hub, or — when the hub cannot be reached — the last one this
 * workstation got (kept in the encrypted replica), marked stale with its time.
 */
const cached = <T extends z.ZodType>(value: T) => z.object({ value, asOf: z.number().int(), stale: z.boolean() });

const answerInput = z.object({ questionId: z.string().min(1).max(48), value: z.union([z.number().int().min(0).max(10), z.literal('na')]), comment: z.string().max(2000).default('') }).strict();
const empty = z.object({}).strict();

/**
 * Supervisor views. QA reviews, the live dashboard and surveys live at the hub (its
 * /qa API, called with the sync session's token); sentiment, keyword tide, silence
 * and lifecycle are computed here from the supervisor's replica with the engine.
 * Everything but an agent's own reviews needs the supervisor or admin role.
 */
export const supervisorDomain = domain('supervisor', {
  dashboard: method('Queues, agents’ presence and load, SLA breaches, bot hand-offs, surges (hub; polled).', empty, cached(dashboardSchema)),
  reviews: method('QA reviews of my teams.', z.object({ status: z.enum(['queued', 'done', 'disputed', 'all']).default('all') }).strict(), cached(z.object({ items: z.array(qaReviewSchema) }))),
  fillQueue: method('Fill the review queue for a period by seeded sampling (percent per agent) and flags.', z.object({ percent: z.number().min(0).max(100).optional(), period: z.string().max(16).optional() }).strict(), fillQueueResultSchema),
  review: method('One review with its form version, the conversation and the pre-score (audited at the hub).', z.object({ id: idSchema }).strict(), cached(reviewDetailSchema)),
  submitReview: method('Score a queued review (confirm or override each suggestion; an override needs a comment).', z.object({ id: idSchema, answers: z.array(answerInput).max(60), comment: z.string().max(4000).default('') }).strict(), qaReviewSchema),
  myReviews: method('The signed-in person’s own scored reviews (any role).', empty, cached(z.object({ items: z.array(qaReviewSchema) }))),
  dispute: method('Dispute one of my reviews.', z.object({ id: idSchema, reason: z.string().trim().min(1).max(2000) }).strict(), qaReviewSchema),
  resolveDispute: method(
    'Answer a dispute: uphold the score or revise it.',
    z.object({ id: idSchema, outcome: z.enum(['upheld', 'revised']), response: z.string().trim().min(1).max(2000), answers: z.array(answerInput).max(60).optional() }).strict(),
    qaReviewSchema,
  ),
  startCalibration: method('Review a conversation someone else reviewed (calibration).', z.object({ conversationId: idSchema }).strict(), qaReviewSchema),
  calibration: method('Reviews of one conversation by different reviewers, compared.', z.object({ conversationId: idSchema }).strict(), cached(calibrationSchema)),
  forms: method('QA forms, every version.', empty, cached(z.object({ forms: z.array(qaFormSchema), activeId: z.string() }))),
  saveForm: method('Save a new version of a QA form (and make it the active one).', z.object({ form: qaFormDraftSchema }).strict(), qaFormSchema),
  exportCsv: method('Scored reviews as CSV for Excel (UTF-8 with BOM).', z.object({ lang: languageSchema, from: z.number().int().optional(), to: z.number().int().optional() }).strict(), z.object({ filename: z.string(), csv: z.string(), rows: z.number().int() })),
  surveyResults: method('CSAT and NPS per agent, team or channel.', z.object({ groupBy: z.enum(['agent', 'team', 'channel']).default('agent'), days: z.number().int().min(1).max(366).default(90) }).strict(), cached(surveyResultsSchema)),
  surveySettings: method('Survey settings (per-channel on/off, NPS delay, quiet hours).', empty, cached(surveySettingsSchema)),
  setSurveySettings: method('Change the survey settings.', z.object({ settings: surveySettingsSchema }).strict(), surveySettingsSchema),
  packCandidates: method(
    'Knowledge items about a surging topic (seed and synced) that could be pushed to every agent.',
    z.object({ topicId: z.string().min(1).max(64) }).strict(),
    z.object({ items: z.array(z.object({ id: z.string(), title: z.string(), kind: z.string(), topic: z.string() })) }),
  ),
  publishPack: method('Push knowledge items to every agent (through the hub).', z.object({ topicId: z.string().min(1).max(64), itemIds: z.array(z.string().min(1).max(64)).min(1).max(50) }).strict(), z.object({ published: z.array(z.string()) })),
  conversations: method(
    'Conversations in my replica for the sentiment views (newest first), with their mean patient sentiment.',
    z.object({ query: z.string().max(100).optional(), limit: z.number().int().min(1).max(500).default(100) }).strict(),
    z.object({ items: z.array(z.object({ id: z.string(), contactName: z.string(), channel: z.string(), status: z.string(), teamId: z.string().nullable(), assigneeName: z.string().nullable(), lastMessageAt: z.number(), mean: z.number().nullable(), min: z.number().nullable() })) }),
  ),
  sentimentTimeline: method('One conversation’s patient sentiment per message, with markers (audited as an opened conversation).', z.object({ conversationId: idSchema }).strict(), timelineSchema),
  sentimentTrends: method(
    'Sentiment per team or agent over days or weeks, with the distribution.',
    z.object({ groupBy: z.enum(['team', 'agent']), granularity: z.enum(['day', 'week']), periods: z.number().int().min(1).max(60).default(14) }).strict(),
    trendsSchema,
  ),
  sentimentDrill: method(
    'The conversations behind one cell of the trends (worst first).',
    z.object({ groupBy: z.enum(['team', 'agent']), groupId: z.string().min(1).max(64), granularity: z.enum(['day', 'week']), period: z.string().max(16), level: z.number().int().min(-2).max(2).optional() }).strict(),
    drillSchema,
  ),
  tide: method('Keyword tide: how many conversations mention each symptom or question, by week or month.', z.object({ granularity: z.enum(['week', 'month']), periods: z.number().int().min(2).max(24).default(8) }).strict(), tideSchema),
  silence: method('Patients silent for N days (opened and never wrote, or went quiet after our reply).', z.object({ days: z.number().int().min(1).max(60).default(3) }).strict(), silenceSchema),
  lifecycle: method('Patients per lifecycle stage, week by week.', z.object({ weeks: z.number().int().min(2).max(52).default(12) }).strict(), lifecycleSchema),
});
