import { request, Agent } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mutationTypes } from '../../shared/sync/mutations';
import { newId, startHub, type TestClient, type TestHub } from '../testing/harness';
import { sleep, WsProbe, wsUrl } from '../testing/ws-client';

const PATHS = ['/healthz', '/auth/login', '/auth/refresh', '/auth/logout', '/me', '/sync/pull', '/sync/pull/stream', '/sync/push', '/sync/ws', '/nope', '/sync/pull?x=1', '/auth/../me', '/%ff'];
const CONVS = ['v-zhang-appt', 'v-chen-glucose', 'v-li-call', 'nope', ''];

/** Near-valid mutations, so generated input reaches the business rules, not only the schema. */
const mutationArb = fc.record(
  {
    id: fc.oneof(fc.constant(null).map(() => newId()), fc.string()),
    type: fc.oneof(fc.constantFrom(...mutationTypes), fc.string()),
    args: fc.oneof(
      fc.record(
        {
          conversationId: fc.constantFrom(...CONVS),
          messageId: fc.oneof(fc.constant(null).map(() => newId()), fc.string()),
          noteId: fc.constant(null).map(() => newId()),
          body: fc.string({ maxLength: 30 }),
          status: fc.constantFrom('open', 'pending', 'snoozed', 'resolved', 'x'),
          priority: fc.constantFrom('urgent', 'low', 'x'),
          tags: fc.array(fc.string({ maxLength: 40 }), { maxLength: 3 }),
          assigneeId: fc.constantFrom(null, 'u-agent', 'u-nurse', 'u-x'),
          teamId: fc.constantFrom('t-chronic', 't-outpatient', 't-x'),
          contactId: fc.constantFrom('c-zhang', 'c-chen', 'x'),
          patch: fc.dictionary(fc.constantFrom('displayName', 'sex', 'birthYear', 'allergies', 'x'), fc.jsonValue()),
        },
        { requiredKeys: [] },
      ),
      fc.jsonValue(),
    ),
    clientTime: fc.oneof(fc.nat(), fc.jsonValue()),
  },
  { requiredKeys: [] },
);

const bodyArb = fc.oneof(
  fc.string().map((s) => ({ raw: s })),
  fc.jsonValue().map((v) => ({ json: v })),
  fc.record({ cursor: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(null)), limit: fc.oneof(fc.integer({ min: -5, max: 2000 }), fc.string()) }).map((v) => ({ json: v })),
  fc.array(mutationArb, { maxLength: 4 }).map((m) => ({ json: { mutations: m } })),
  fc.record({ username: fc.constantFrom('agent', 'nurse', 'x', ''), password: fc.string(), workstationId: fc.string({ maxLength: 70 }) }).map((v) => ({ json: v })),
  fc.record({ refreshToken: fc.string(), workstationId: fc.string() }).map((v) => ({ json: v })),
  fc.constant({ raw: '{"__proto__":{"polluted":1},"cursor":0}' }),
  fc.constant({ raw: '{"constructor":{"prototype":{"x":1}}}' }),
);

describe('garbage in: a clear 4xx, never a 5xx, never a crash', () => {
  let t: TestHub;
  let agent: TestClient;
  beforeAll(async () => {
    t = await startHub();
    agent = await t.signIn('agent');
  });
  afterAll(() => t.close());

  it('every endpoint, via fastify.inject', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...PATHS),
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
        fc.constantFrom<string | undefined>('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', undefined),
        fc.oneof(fc.constant<string | undefined>(undefined), fc.constant('valid'), fc.string(), fc.constant('Bearer lat1.AAAA.BBBB')),
        bodyArb,
        async (url, method, contentType, auth, body) => {
          const headers: Record<string, string> = {};
          if (contentType) headers['content-type'] = contentType;
          if (auth === 'valid') headers.authorization = `Bearer ${agent.token}`;
          else if (auth !== undefined) headers.authorization = auth;
          const payload = method === 'GET' || method === 'HEAD' ? undefined : 'raw' in body ? body.raw : JSON.stringify(body.json);
          const res = await t.hub.app.inject({ method: method as 'GET', url, headers, ...(payload === undefined ? {} : { payload }) });
          expect(res.statusCode, `${method} ${url} ${res.body}`).toBeLessThan(500);
          if (res.statusCode >= 400 && method !== 'HEAD') {
            const parsed = JSON.parse(res.body) as { ok: boolean; error: { code: string; message: string } };
            expect(parsed.ok).toBe(false);
            expect(parsed.error.code).toMatch(/^(request|auth|sync|hub)\.[a-z_]+$/);
            expect(typeof parsed.error.message).toBe('string');
          }
          expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        },
      ),
      { numRuns: 1000 },
    );
    const health = await fetch(`${t.url}/healthz`);
    expect(health.status).toBe(200);
  }, 120_000);

  it('the WebSocket, over a real socket: garbage frames never crash it or the hub', async () => {
    // The fuzz above may have sent POST /auth/logout with the agent's token (a real sign-out): start from a live session.
    agent = await t.signIn('agent');
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.string().map((s) => ({ text: s })),
            fc.jsonValue().map((v) => ({ text: JSON.stringify(v) })),
            fc.record({ type: fc.constantFrom('auth', 'ping', 'poke', 'hello', ''), token: fc.oneof(fc.string(), fc.constant('valid')) }).map((v) => ({ text: JSON.stringify(v) })),
            fc.uint8Array({ maxLength: 64 }).map((b) => ({ binary: b })),
          ),
          { minLength: 1, maxLength: 8 },
        ),
        fc.constantFrom<string | undefined>(undefined, 'valid', 'garbage', '%00%ff'),
        async (frames, queryToken) => {
          const p = new WsProbe(wsUrl(t.url, queryToken === 'valid' ? agent.token : queryToken));
          await p.opened;
          for (const f of frames) {
            if (p.closed) break;
            if ('binary' in f) p.ws.send(f.binary, { binary: true });
            else p.send(f.text.replace('"valid"', JSON.stringify(agent.token)));
          }
          p.send({ type: 'ping' });
          await p.until(() => p.of('pong').length > 0 || p.closed !== null);
          // Closed only by our own auth rules, never by an internal error (1011).
          if (p.closed) expect([4401, 4402, 4403]).toContain(p.closed.code);
          p.close();
        },
      ),
      { numRuns: 60 },
    );
    // An oversized frame closes that socket (1009) and nothing else.
    const big = new WsProbe(wsUrl(t.url, agent.token));
    await big.opened;
    big.send('x'.repeat(64 * 1024));
    await big.until(() => big.closed !== null);
    expect(big.closed!.code).toBe(1009);
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  }, 120_000);

  it('a malformed request does not spoil the keep-alive connection it came on', async () => {
    // The fuzz above may have sent POST /auth/logout with the agent's token (a real sign-out): start from a live session.
    agent = await t.signIn('agent');
    const agentHttp = new Agent({ keepAlive: true, maxSockets: 1 });
    const send = (body: string) =>
      new Promise<{ status: number; reused: boolean; body: string }>((resolve, reject) => {
        const req = request(`${t.url}/sync/pull`, { method: 'POST', agent: agentHttp, headers: { 'content-type': 'application/json', authorization: `Bearer ${agent.token}` } }, (res) => {
          let data = '';
          res.on('data', (c: Buffer) => (data += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket, body: data }));
        });
        req.on('error', reject);
        req.end(body);
      });
    const bad = await send('{"cursor": 0,');
    expect([bad.status, JSON.parse(bad.body).error.code]).toEqual([400, 'request.malformed_json']);
    const good = await send('{"cursor":0,"limit":1}');
    expect(good).toMatchObject({ status: 200, reused: true });
    agentHttp.destroy();
  });

  it('raw non-HTTP bytes on the port are dropped and the hub keeps serving', async () => {
    await new Promise<void>((resolve) => {
      const s = connect(t.hub.port, '127.0.0.1', () => s.end('\x00\x01GARBAGE / HTTP/9.9\r\n\r\n\xff\xfe'));
      s.on('close', () => resolve());
      s.on('error', () => resolve());
      s.resume();
    });
    await sleep(20);
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });
});
