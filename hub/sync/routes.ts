import type { FastifyInstance } from 'fastify';
import type { HubContext } from '../app/context';
import { okBody } from '../http/errors';
import { requireAuth } from '../http/guard';
import { parsePullBody, pull } from './pull';
import { parsePushBody, push } from './push';
import { registerSyncAttachments } from './attachments';

export function registerSyncRoutes(app: FastifyInstance, ctx: HubContext): void {
  app.post('/sync/pull', async (req) => {
    const auth = await requireAuth(ctx, req);
    return okBody(await pull(ctx, auth, parsePullBody(req.body)));
  });

  app.post('/sync/push', async (req) => {
    const auth = await requireAuth(ctx, req);
    return okBody(await push(ctx, auth, parsePushBody(req.body)));
  });

  registerSyncAttachments(app, ctx);
}
