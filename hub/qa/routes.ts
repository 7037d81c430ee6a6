import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { okBody } from '../http/errors';
import { requireAuth } from '../http/guard';
import type { HubContext } from '../app/context';
import { QaError, QaErrorCode } from './errors';
import type { PresenceSource } from './presence';
import {
  auditOpened,
  calibration,
  dashboard,
  disputeReview,
  exportCsv,
  fillQueue,
  listForms,
  listReviews,
  myReviews,
  publishPack,
  requireSupervisor,
  resolveDispute,
  reviewDetail,
  saveForm,
  startCalibration,
  submitReview,
} from './service';
import { readSurveySettings, recordSurveyAnswer, runSurveyTick, surveyResults, writeSurveySettings, type SurveySender } from './surveys';

export interface QaRouteOptions {
  /** Who is connected (the WebSocket registry). Without it agents' presence shows as unknown. */
  presence?: PresenceSource | null;
  /** Sends CSAT/NPS surveys (the channel adapters). Needed only for POST /qa/surveys/run. */
  surveySender?: SurveySender | null;
}

const idParam = (req: FastifyRequest) => {
  const id = (req.params as { id?: unknown }).id;
  if (typeof id !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw new QaError(QaErrorCode.badRequest, 'Bad id');
  return id;
};
const query = <T extends z.ZodType>(schema: T, req: FastifyRequest): z.infer<T> => {
  const r = schema.safeParse(req.query ?? {});
  if (!r.success) throw new QaError(QaErrorCode.badRequest, z.prettifyError(r.error).slice(0, 300));
  return r.data;
};

/**
 * The supervisor / QA API (docs/supervisor.md). Every route authenticates like the
 * sync routes; supervisor routes answer 403 `qa.forbidden` to agents and nurses
 * and only ever show the caller's teams. Agents may read and dispute their own
 * scored reviews.
 */
export function registerQaRoutes(app: FastifyInstance, ctx: HubContext, opts: QaRouteOptions = {}): void {
  const sup = async (req: FastifyRequest, what: string) => {
    const auth = await requireAuth(ctx, req);
    await requireSupervisor(ctx, auth, what);
    return auth;
  };

  app.get('/qa/forms', async (req) => {
    await sup(req, 'forms');
    return okBody(await ctx.store.read((r) => listForms(ctx, r)));
  });
  app.post('/qa/forms', async (req) => okBody(await saveForm(ctx, await sup(req, 'forms.save'), req.body)));

  app.post('/qa/queue/fill', async (req) => okBody(await fillQueue(ctx, await sup(req, 'queue.fill'), req.body)));
  app.get('/qa/reviews', async (req) => {
    const auth = await sup(req, 'reviews');
    const q = query(z.object({ status: z.enum(['queued', 'done', 'disputed', 'all']).optional() }), req);
    return okBody({ items: await listReviews(ctx, auth, q.status) });
  });
  // Any signed-in user: their own scored reviews.
  app.get('/qa/my-reviews', async (req) => okBody({ items: await myReviews(ctx, await requireAuth(ctx, req)) }));
  app.get('/qa/reviews/:id', async (req) => okBody(await reviewDetail(ctx, await requireAuth(ctx, req), idParam(req))));
  app.post('/qa/reviews/:id/submit', async (req) => okBody(await submitReview(ctx, await sup(req, 'review.submit'), idParam(req), req.body)));
  app.post('/qa/reviews/:id/dispute', async (req) => okBody(await disputeReview(ctx, await requireAuth(ctx, req), idParam(req), req.body)));
  app.post('/qa/reviews/:id/resolve', async (req) => okBody(await resolveDispute(ctx, await sup(req, 'review.resolve'), idParam(req), req.body)));

  app.post('/qa/calibrations', async (req) => okBody(await startCalibration(ctx, await sup(req, 'calibration'), req.body)));
  app.get('/qa/calibrations/:id', async (req) => okBody(await calibration(ctx, await sup(req, 'calibration'), idParam(req))));

  app.get('/qa/export.csv', async (req, reply) => {
    const auth = await sup(req, 'export');
    const q = query(z.object({ from: z.coerce.number().int().optional(), to: z.coerce.number().int().optional(), lang: z.enum(['zh-CN', 'en']).optional() }), req);
    const out = await exportCsv(ctx, auth, q);
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${out.filename}"`)
      .send(out.csv);
  });

  app.get('/qa/dashboard', async (req) => okBody(await dashboard(ctx, await sup(req, 'dashboard'), opts.presence ?? null)));
  app.post('/qa/knowledge/publish', async (req) => okBody(await publishPack(ctx, await sup(req, 'knowledge.publish'), req.body)));
  app.post('/qa/audit/open', async (req) => okBody(await auditOpened(ctx, await sup(req, 'audit.open'), req.body)));

  app.get('/qa/surveys/settings', async (req) => {
    await sup(req, 'surveys.settings');
    return okBody({ settings: await ctx.store.read(readSurveySettings) });
  });
  app.post('/qa/surveys/settings', async (req) => okBody({ settings: await writeSurveySettings(ctx, await sup(req, 'surveys.settings'), req.body) }));
  app.get('/qa/surveys/results', async (req) => {
    const auth = await sup(req, 'surveys.results');
    const q = query(z.object({ groupBy: z.enum(['agent', 'team', 'channel']).default('agent'), days: z.coerce.number().int().min(1).max(366).default(90) }), req);
    return okBody(await surveyResults(ctx, auth, q));
  });
  app.post('/qa/surveys/:id/answer', async (req) => {
    const auth = await sup(req, 'surveys.answer');
    const body = z.object({ score: z.number().int(), comment: z.string().max(2000).optional() }).strict().safeParse(req.body);
    if (!body.success) throw new QaError(QaErrorCode.badRequest, 'score (integer) required');
    const rec = await recordSurveyAnswer(ctx, idParam(req), body.data, { userId: auth.userId, workstationId: auth.workstationId });
    return okBody({ id: rec.id, status: rec.status, score: rec.score });
  });
  app.post('/qa/surveys/run', async (req) => {
    await sup(req, 'surveys.run');
    if (!opts.surveySender) throw new QaError(QaErrorCode.noSender, 'No survey sender is configured on this hub');
    return okBody(await runSurveyTick(ctx, opts.surveySender));
  });
}
