import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { HubErrorCode } from '../../shared/sync/errors';
import { SYNC_LIMITS } from '../../shared/sync/limits';
import type { PullValue } from '../../shared/sync/protocol';
import type { HubContext } from '../app/context';
import { authenticateWith, type AuthContext } from '../auth/service';
import { errorBody, HubError, okBody } from '../http/errors';
import { answerPage, assertNotAhead, assertThisHub, readPage, type PullInput } from './pull';

/**
 * `POST /sync/pull/stream` (docs/sync.md §4.1): the pages of one run of pulls on one
 * response, one `{"ok":true,"value":<pull answer>}` per line, so the hub reads page N+1
 * while the replica applies page N and the replica can commit several pages at once.
 *
 * Each page is read, authorized and audited exactly like a `POST /sync/pull` from the
 * previous page's cursor: the token is checked again in the page's own read (a session
 * revoked or a user disabled mid-stream gets no further page), and scope is evaluated
 * per page. The response is paced by the reader (TCP backpressure: at most one page
 * waits on the hub), bounded in pages and time, and ends early when the hub shuts down.
 * A failure after the first page is sent as a last line `{"ok":false,"error":…}`.
 */
export async function pullPageWithToken(ctx: HubContext, token: string, input: PullInput): Promise<{ auth: AuthContext; value: PullValue }> {
  assertThisHub(ctx, input);
  const { auth, page } = await ctx.store.read(async (r) => {
    const auth = await authenticateWith(ctx, r, token);
    return { auth, page: await readPage(r, auth, input) };
  });
  assertNotAhead(ctx, input, page);
  return { auth, value: await answerPage(ctx, auth, input.cursor, page) };
}

export const NDJSON = 'application/x-ndjson; charset=utf-8';

const line = (body: unknown) => `${JSON.stringify(body)}\n`;

/** The lines after the first page; exported for tests that step through a stream. */
export async function* streamLines(
  ctx: HubContext,
  token: string,
  input: PullInput,
  first: PullValue,
  isClosing: () => boolean,
  bounds: { maxPages: number; maxMs: number } = { maxPages: SYNC_LIMITS.streamMaxPages, maxMs: SYNC_LIMITS.streamMaxMs },
): AsyncGenerator<string> {
  const started = ctx.now();
  let page = first;
  let pages = 1;
  yield line(okBody(page));
  while (page.hasMore && pages < bounds.maxPages && ctx.now() - started < bounds.maxMs && !isClosing()) {
    try {
      page = (await pullPageWithToken(ctx, token, { ...input, cursor: page.cursor })).value;
    } catch (e) {
      const known = e instanceof HubError ? e : null;
      if (!known) ctx.log.error({ err: e }, 'pull stream failed');
      yield line(known ? errorBody(known.code, known.message, known.details) : errorBody(HubErrorCode.internal, 'Internal error (logged)'));
      return;
    }
    pages++;
    yield line(okBody(page));
  }
}

/**
 * Answers the stream. The first page is read before anything is sent, so a bad token,
 * a bad cursor or another hub's id still get their plain error answer and status.
 */
export async function sendPullStream(ctx: HubContext, reply: FastifyReply, token: string, input: PullInput, isClosing: () => boolean): Promise<FastifyReply> {
  const first = await pullPageWithToken(ctx, token, input);
  // objectMode with highWaterMark 1: one page read ahead of what the socket has taken.
  const body = Readable.from(streamLines(ctx, token, input, first.value, isClosing), { objectMode: true, highWaterMark: 1 });
  return reply.code(200).header('content-type', NDJSON).header('cache-control', 'no-store').send(body);
}
