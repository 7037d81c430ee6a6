import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { HubContext } from '../app/context';
import { okBody } from '../http/errors';
import { requireAuth } from '../http/guard';
import { QaError, QaErrorCode } from '../qa/errors';
import { readRetirementSettings } from './publish';
import type { ReloadReport } from './reload';
import { decideReview, knowledgeUsage, requireKnowledgeSupervisor, reviewFilterSchema, reviewQueue, writeRetirementSettings, type KnowledgeServiceDeps } from './service';

/** What the routes need from the running knowledge runtime (hub/knowledge/index.ts). */
export interface KnowledgeRuntimeView {
  readonly dir: string | null;
  readonly watching: boolean;
  readonly last: ReloadReport | null;
  reload(): Promise<ReloadReport | null>;
}

const query = <T extends z.ZodType>(schema: T, req: FastifyRequest): z.infer<T> => {
  const r = schema.safeParse(req.query ?? {});
  if (!r.success) throw new QaError(QaErrorCode.badRequest, z.prettifyError(r.error).slice(0, 300));
  return r.data;
};

const itemParam = (req: FastifyRequest): string => {
  const id = (req.params as { itemId?: unknown }).itemId;
  if (typeof id !== 'string' || !/^[A-Za-z0-9:_-]{1,200}$/.test(id)) throw new QaError(QaErrorCode.badRequest, 'Bad item id');
  return id;
};

/**
 * The knowledge API (docs/knowledge.md): authenticated like every route;
 * supervisor/admin only (403 `qa.forbidden`, audited), admin for settings and a
 * manual reload. Usage is counted over the caller's teams.
 *
 *   GET  /knowledge/usage?days=7         usage counts per item
 *   GET  /knowledge/review?status=…      the review queue (pending by default)
 *   POST /knowledge/review/:itemId       {decision:'restore'|'confirm', comment?}
 *   GET  /knowledge/status               knowledge directory, last reload (errors)
 *   POST /knowledge/reload               (admin) reload the directory now
 *   GET  /knowledge/settings             retirement thresholds
 *   POST /knowledge/settings             (admin) {windowDays, minUsers, minMarks}
 */
export function registerKnowledgeRoutes(app: FastifyInstance, ctx: HubContext, runtime: KnowledgeRuntimeView): void {
  const deps: KnowledgeServiceDeps = { store: ctx.store, now: ctx.now, notify: () => ctx.notifier.advanced() };
  const sup = async (req: FastifyRequest, what: string, adminOnly = false) => {
    const auth = await requireAuth(ctx, req);
    await requireKnowledgeSupervisor(deps, auth, what, adminOnly);
    return auth;
  };

  app.get('/knowledge/usage', async (req) => {
    const auth = await sup(req, 'usage');
    const q = query(z.object({ days: z.coerce.number().int().min(1).max(366).default(7) }), req);
    return okBody(await knowledgeUsage(deps, auth, q.days));
  });
  app.get('/knowledge/review', async (req) => {
    await sup(req, 'review');
    const q = query(z.object({ status: reviewFilterSchema.default('pending') }), req);
    return okBody(await reviewQueue(deps, q.status));
  });
  app.post('/knowledge/review/:itemId', async (req) => okBody(await decideReview(deps, await sup(req, 'review.decide'), itemParam(req), req.body)));
  app.get('/knowledge/status', async (req) => {
    await sup(req, 'status');
    return okBody({ dir: runtime.dir, watching: runtime.watching, last: runtime.last });
  });
  app.post('/knowledge/reload', async (req) => {
    await sup(req, 'reload', true);
    const report = await runtime.reload();
    if (!report) throw new QaError(QaErrorCode.invalidState, 'No knowledge directory is configured on this hub');
    return okBody(report);
  });
  app.get('/knowledge/settings', async (req) => {
    await sup(req, 'settings');
    return okBody({ settings: await ctx.store.read(readRetirementSettings) });
  });
  app.post('/knowledge/settings', async (req) => okBody({ settings: await writeRetirementSettings(deps, await sup(req, 'settings.save', true), req.body) }));
}
