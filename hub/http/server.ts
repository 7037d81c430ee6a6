import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import websocket from '@fastify/websocket';
import { ulid } from 'ulid';
import { HubErrorCode } from '../../shared/sync/errors';
import { SYNC_LIMITS } from '../../shared/sync/limits';
import type { HubContext } from '../app/context';
import { registerAuthRoutes } from '../auth/routes';
import { registerSyncRoutes } from '../sync/routes';
import { registerSyncSocket, type SocketRegistry } from '../sync/ws';
import { registerQaRoutes } from '../qa/routes';
import type { SurveySender } from '../qa/surveys';
import { ChannelSurveySender } from '../qa/channel-sender';
import { registerChannels, type Channels } from '../channels/runtime';
import { registerWidgetRoutes } from '../widget/routes';
import { errorBody, HubError, okBody } from './errors';

export interface HubServer {
  app: FastifyInstance;
  sockets: SocketRegistry;
  /** Patient channels, outbound dispatcher and router (started by createHub after listen). */
  channels: Channels;
  /** How CSAT/NPS surveys reach patients (the scheduler started by createHub uses it); null: none. */
  surveySender: SurveySender | null;
  /** Refuse new requests (503 hub.unavailable) while in-flight ones finish. */
  beginClosing(): void;
}

const MALFORMED = Symbol('malformed-json');

/** Maps Fastify's own request errors (body parsing, limits) to stable hub codes. */
function mapFastifyError(e: FastifyError, url: string): HubError | null {
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      if (url.startsWith('/sync/attachments/')) return new HubError(HubErrorCode.tooLarge, `Files may be at most ${SYNC_LIMITS.maxAttachmentBytes} bytes`, { maxBytes: SYNC_LIMITS.maxAttachmentBytes });
      return url.startsWith('/sync/')
        ? new HubError(HubErrorCode.batchTooLarge, `Body larger than ${SYNC_LIMITS.maxBodyBytes} bytes`, { maxBytes: SYNC_LIMITS.maxBodyBytes })
        : new HubError(HubErrorCode.tooLarge, `Body larger than ${SYNC_LIMITS.maxBodyBytes} bytes`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HubError(HubErrorCode.unsupportedMediaType, 'Send application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new HubError(HubErrorCode.malformedJson, 'The body is not valid JSON');
    default:
      break;
  }
  // The JSON parser's SyntaxError (and prototype-poisoning refusals) carry a 400.
  if (e instanceof SyntaxError || (e.statusCode === 400 && /JSON|proto|constructor/i.test(e.message))) return new HubError(HubErrorCode.malformedJson, 'The body is not valid JSON');
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new HubError(url.startsWith('/sync/') ? HubErrorCode.badRequest : HubErrorCode.requestBadRequest, e.message.slice(0, 200), undefined, e.statusCode);
  }
  return null;
}

/**
 * `surveySender`: how CSAT/NPS surveys reach patients. Default: the channels
 * themselves (`ChannelSurveySender`, hub/qa/channel-sender.ts); `null`: none, and
 * `/qa/surveys/run` answers 409.
 */
export async function buildServer(ctx: HubContext, opts: { surveySender?: SurveySender | null } = {}): Promise<HubServer> {
  let closing = false;
  const app = Fastify({
    loggerInstance: ctx.log as FastifyBaseLogger,
    bodyLimit: SYNC_LIMITS.maxBodyBytes,
    // We answer 503 ourselves, in the hub's error envelope.
    return503OnClosing: false,
    genReqId: () => ulid(),
    // Query strings are for the WebSocket token only; keep them short.
    routerOptions: { maxParamLength: 200 },
    // Unparseable URLs (e.g. `/%ff`) get the hub's envelope too.
    frameworkErrors: (err, _req, reply) => {
      void (reply as FastifyReply).code(400).send(errorBody(HubErrorCode.requestBadRequest, err.message.slice(0, 200)));
    },
  });

  // Our own JSON parser: Fastify's closes the connection after a parse error; a
  // malformed body must get a clear 400 and leave the keep-alive connection
  // usable (the body was read in full, so nothing is left on the wire).
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    try {
      // Dropping `__proto__` keys: a parsed body can never carry a prototype to pollute.
      done(null, JSON.parse(text, (k, v: unknown) => (k === '__proto__' ? undefined : v)));
    } catch {
      done(null, MALFORMED);
    }
  });
  app.addHook('preValidation', async (req) => {
    if (req.body === MALFORMED) throw new HubError(HubErrorCode.malformedJson, 'The body is not valid JSON');
  });

  await app.register(websocket, { options: { maxPayload: SYNC_LIMITS.maxWsFrameBytes } });

  app.addHook('onRequest', async (_req, reply) => {
    if (closing) {
      reply.header('connection', 'close');
      return reply.code(503).send(errorBody(HubErrorCode.unavailable, 'The hub is shutting down'));
    }
    return undefined;
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const known = err instanceof HubError ? err : mapFastifyError(err, req.url);
    if (known) {
      if (known.status >= 500) req.log.error({ err }, 'request failed');
      return reply.code(known.status).send(errorBody(known.code, known.message, known.details));
    }
    req.log.error({ err }, 'unexpected error');
    return reply.code(500).send(errorBody(HubErrorCode.internal, 'Internal error (logged)'));
  });

  app.setNotFoundHandler((req, reply) => reply.code(404).send(errorBody(HubErrorCode.requestNotFound, `No route ${req.method} ${req.url.split('?')[0]?.slice(0, 100)}`)));

  app.get('/healthz', async () => {
    // A real read: a hub whose database is gone must not report healthy.
    const seq = await ctx.store.read((r) => r.headSeq());
    return okBody({ status: 'ok', hubId: ctx.store.hubId, seq });
  });

  registerAuthRoutes(app, ctx);
  registerSyncRoutes(app, ctx, () => closing);
  const sockets = registerSyncSocket(app, ctx);
  const channels = await registerChannels(app, ctx, () => sockets.onlineUserIds());
  const surveySender = opts.surveySender === undefined ? new ChannelSurveySender(ctx, channels) : opts.surveySender;
  registerQaRoutes(app, ctx, { presence: sockets, surveySender });
  if (ctx.config.channels.webchat.enabled) registerWidgetRoutes(app);

  return {
    app,
    sockets,
    channels,
    surveySender,
    beginClosing() {
      closing = true;
    },
  };
}
