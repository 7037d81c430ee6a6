import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * The widget ⇄ hub protocol over `GET /widget/ws` (JSON text frames, ≤ 16 KiB).
 *
 * visitor → hub: hello (first, within 5 s) · msg {cid, text | attachmentId,
 *   survey?} · ack {id} (an agent message arrived) · typing · ping
 * hub → visitor: welcome {visitorId, token, history} · ack {cid, id} (stored;
 *   the widget may forget its copy) · msg {id, text, at, name, survey?, files?}
 *   (agent; ack it; files are fetched from /widget/attachments/:id?token=) · typing · error {code, message, cid?} · pong
 *
 * Surveys (optional fields, so either side may be older): a CSAT/NPS survey
 * arrives as a `msg` whose `survey` is a rating card {id, kind, min, max, score,
 * open} — an older widget shows just its text, which asks for a number. Clicking
 * a score sends `msg {cid, text: "<score>", survey: {id, score}}`: stored as the
 * patient's message and recorded as that survey's answer (docs/supervisor.md).
 *
 * No loss, no duplicates: the widget keeps each unacknowledged message (with its
 * client id `cid`) in localStorage and resends after every reconnect; the hub
 * de-duplicates by (visitor, cid) and answers the same ack. The hub resends every
 * agent message the widget has not acknowledged; the widget drops ids it has seen.
 */
const cid = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
/** Survey ids are ULIDs. */
const surveyId = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/);

/** The rating card on a survey message (hub → widget). */
export const surveyCardSchema = z.strictObject({
  id: surveyId,
  kind: z.enum(['csat', 'nps']),
  min: z.number().int().min(0).max(10),
  max: z.number().int().min(1).max(10),
  /** The patient's answer once given. */
  score: z.number().int().min(0).max(10).nullable(),
  /** Still taking answers. */
  open: z.boolean(),
});
export type SurveyCardFrame = z.infer<typeof surveyCardSchema>;

export const visitorFrame = z.discriminatedUnion('t', [
  z.strictObject({
    t: z.literal('hello'),
    token: z.string().max(200).optional(),
    name: z.string().trim().max(60).optional(),
    phone: z.string().trim().max(30).optional(),
    lang: z.enum(['zh-CN', 'en']).optional(),
  }),
  z.strictObject({
    t: z.literal('msg'),
    cid,
    text: z.string().max(8000).optional(),
    attachmentId: z.string().max(64).optional(),
    /** A score clicked on a survey's rating card. */
    survey: z.strictObject({ id: surveyId, score: z.number().int().min(0).max(10) }).optional(),
  }),
  z.strictObject({ t: z.literal('ack'), id: z.string().min(1).max(64) }),
  z.strictObject({ t: z.literal('typing') }),
  z.strictObject({ t: z.literal('ping') }),
]);
export type VisitorFrame = z.infer<typeof visitorFrame>;

/** A file on a message (hub → widget): fetched from `GET /widget/attachments/:id?token=`. */
export interface FileFrame {
  id: string;
  name: string;
  mime: string;
  size: number;
}

export interface HistoryItem {
  id: string;
  from: 'visitor' | 'agent';
  text: string;
  at: number;
  kind: 'text' | 'image';
  name: string | null;
  survey?: SurveyCardFrame;
  files?: FileFrame[];
}

export type HubFrame =
  | { t: 'welcome'; visitorId: string; token: string; history: HistoryItem[] }
  | { t: 'ack'; cid: string; id: string }
  | { t: 'msg'; id: string; text: string; at: number; name: string | null; survey?: SurveyCardFrame; files?: FileFrame[] }
  | { t: 'typing' }
  | { t: 'error'; code: string; message: string; cid?: string }
  | { t: 'pong' };

/** `<visitorId>.<HMAC>`: proves a visitor id was issued by this hub (ids are not guessable either). */
export function visitorToken(secret: Buffer, visitorId: string): string {
  return `${visitorId}.${createHmac('sha256', secret).update(`widget-visitor:${visitorId}`).digest('base64url').slice(0, 32)}`;
}

export function visitorFromToken(secret: Buffer, token: string | undefined | null): string | null {
  if (!token) return null;
  const dot = token.lastIndexOf('.');
  if (dot <= 0) return null;
  const id = token.slice(0, dot);
  if (!/^wv-[0-9A-Z]{26}$/.test(id)) return null;
  const want = Buffer.from(visitorToken(secret, id));
  const got = Buffer.from(token);
  return want.length === got.length && timingSafeEqual(want, got) ? id : null;
}
