import type { FastifyRequest } from 'fastify';
import type { HubContext } from '../app/context';
import { authenticate, bearerOf, type AuthContext } from '../auth/service';

/** Every API and sync route starts with this: no route trusts anything the client says about who it is. */
export function requireAuth(ctx: HubContext, req: FastifyRequest): Promise<AuthContext> {
  return authenticate(ctx, bearerOf(req.headers.authorization));
}
