import type { FastifyInstance } from 'fastify';
import { HubErrorCode } from '../../shared/sync/errors';
import { loginRequest, logoutRequest, refreshRequest } from '../../shared/sync/protocol';
import type { HubContext } from '../app/context';
import { HubError, okBody } from '../http/errors';
import { requireAuth } from '../http/guard';
import { describeMe, login, logout, refresh } from './service';

function parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, body: unknown): T {
  const r = schema.safeParse(body);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new HubError(HubErrorCode.authBadRequest, `Bad request${i ? ` at ${i.path.join('.') || '(root)'}: ${i.message}` : ''}`);
  }
  return r.data;
}

export function registerAuthRoutes(app: FastifyInstance, ctx: HubContext): void {
  app.post('/auth/login', async (req) => okBody(await login(ctx, parse(loginRequest, req.body))));

  app.post('/auth/refresh', async (req) => okBody(await refresh(ctx, parse(refreshRequest, req.body))));

  app.post('/auth/logout', async (req) => {
    const auth = await requireAuth(ctx, req);
    parse(logoutRequest, req.body);
    await logout(ctx, auth);
    // Wakes the socket loop, which re-authorizes and closes this session's sockets.
    ctx.notifier.advanced();
    return okBody({ loggedOut: true });
  });

  app.get('/me', async (req) => {
    const auth = await requireAuth(ctx, req);
    return okBody(
      await ctx.store.read(async (r) => {
        const user = (await r.getUserById(auth.userId))!;
        return describeMe(ctx, r, user, auth.sessionId, auth.workstationId);
      }),
    );
  });
}
