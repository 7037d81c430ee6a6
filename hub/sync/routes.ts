import type { FastifyInstance } from 'fastify';
import type { HubContext } from '../app/context';
import { okBody } from '../http/errors';
import { requireAuth } from '../http/guard';
import { parsePullBody, pull } from './pull';
import { parsePushBody, push } from './push';
import { registerSyncAttachments } from './attachments';
import { sendPullStream } from './stream';
import { bearerOf } from '../auth/service';

export function registerSyncRoutes(app: FastifyInstance, ctx: HubContext, isClosing: () => boolean): void {
  app.post('/sync/pull', async (req) => {
    const auth = await requireAuth(ctx, req);
    return okBody(await pull(ctx, auth, parsePullBody(req.body)));
  });

  // The rest of a run of pulls on one response, one page per line (docs/sync.md §4.1).
  app.post('/sync/pull/stream', async (req, reply) => {
    await requireAuth(ctx, req);
    return sendPullStream(ctx, reply, bearerOf(req.headers.authorization)!, parsePullBody(req.body), isClosing);
  });

  app.post('/sync/push', async (req) => {
    const auth = await requireAuth(ctx, req);
    return okBody(await push(ctx, auth, parsePushBody(req.body)));
  });

  registerSyncAttachments(app, ctx);
}
