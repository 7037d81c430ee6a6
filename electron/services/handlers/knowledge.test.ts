import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../tests/support/tmp';
import { createStaticKeyStore } from '../replica/keystore';
import { createWorkstation, type Workstation } from '../workstation';
import { llmConfigFromEnv } from './knowledge';

const demoDataPath = fileURLToPath(new URL('../../../resources/demo/demo.json', import.meta.url));
const LLM_ENV = ['LANTERN_LLM_BASE_URL', 'LANTERN_LLM_MODEL', 'LANTERN_LLM_API_KEY', 'LANTERN_LLM_TIMEOUT_MS'] as const;

/** knowledge.* on the demo clinic's encrypted replica: the LLM assist wiring and demo-mode feedback. */
describe('knowledge handlers', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  const savedEnv = Object.fromEntries(LLM_ENV.map((k) => [k, process.env[k]]));
  afterEach(async () => {
    for (const c of cleanups.reverse()) await c();
    cleanups.length = 0;
    for (const k of LLM_ENV) {
      if (savedEnv[k] === undefined) delete process.env[k];
      else process.env[k] = savedEnv[k];
    }
  });

  async function demo(): Promise<Workstation> {
    const t = tempDir('lantern-kh-');
    const ws = await createWorkstation({ dataDir: t.dir, keyStore: createStaticKeyStore(randomBytes(32), true), appVersion: 't', hubUrl: null, demoDataPath });
    cleanups.push(async () => {
      await ws.close();
      t.cleanup();
    });
    return ws;
  }

  /** The hospital's vLLM stand-in: OpenAI chat-completions JSON, summary vs reply by system prompt. */
  async function fakeVllm(reply: string): Promise<{ url: string; bodies: { messages: { role: string; content: string }[] }[] }> {
    const bodies: { messages: { role: string; content: string }[] }[] = [];
    const server: Server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        const body = JSON.parse(raw) as { messages: { role: string; content: string }[] };
        bodies.push(body);
        const content = /摘要|summar/i.test(body.messages[0]!.content) ? '患者咨询改约门诊时间。' : reply;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content } }] }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, bodies };
  }

  it('reads the LLM settings from the environment; off unless base URL and model are set', () => {
    expect(llmConfigFromEnv({})).toBeNull();
    expect(llmConfigFromEnv({ LANTERN_LLM_BASE_URL: 'http://vllm:8000' })).toBeNull();
    expect(llmConfigFromEnv({ LANTERN_LLM_BASE_URL: 'http://vllm:8000', LANTERN_LLM_MODEL: 'qwen', LANTERN_LLM_API_KEY: 'k', LANTERN_LLM_TIMEOUT_MS: '5000' })).toEqual({ baseUrl: 'http://vllm:8000', model: 'qwen', apiKey: 'k', timeoutMs: 5000 });
  });

  it('knowledge.assist without a configured LLM: no AI cards, the reason in zh-CN and en, red flags still there', async () => {
    for (const k of LLM_ENV) delete process.env[k];
    const ws = await demo();
    // A new patient message arrives in the replica (as sync would write it).
    ws.replica.sqlite
      .prepare("INSERT INTO messages (id, conversation_id, direction, author_name, body, content_type, delivery_status, created_at) VALUES ('m-chest', 'v-wang-bp', 'inbound', '王阿姨', '现在胸口疼得厉害，喘不上气', 'text', 'received', ?)")
      .run(Date.now());
    const r = await ws.dispatch('knowledge.assist', { conversationId: 'v-wang-bp' });
    if (!r.ok) throw new Error(r.error.message);
    const v = r.value as { cards: { kind: string; urgency?: string }[]; redFlags: { id: string }[]; unavailable: { summary: unknown; reply: { code: string; message: { 'zh-CN': string; en: string } } } };
    expect(v.unavailable.reply).toMatchObject({ code: 'llm.disabled', message: { 'zh-CN': expect.stringMatching(/未配置/), en: expect.stringMatching(/No on-premises language model/) } });
    expect(v.unavailable.summary).toEqual(v.unavailable.reply);
    // The rules still speak: the red flags come as cards, nothing else.
    expect(v.redFlags.map((f) => f.id)).toContain('chest_pain');
    expect(v.cards[0]).toMatchObject({ kind: 'red_flag', urgency: 'emergency' });
    expect(v.cards.every((c) => c.kind === 'red_flag')).toBe(true);
  });

  it('knowledge.assist with the hospital LLM: the conversation read from the replica, the reply linted and rewritten', async () => {
    const vllm = await fakeVllm('好的，已经帮你改到下周三，保证没问题，这是最好的医生。');
    process.env.LANTERN_LLM_BASE_URL = vllm.url;
    process.env.LANTERN_LLM_MODEL = 'qwen2.5-7b-instruct';
    const ws = await demo();
    const r = await ws.dispatch('knowledge.assist', { conversationId: 'v-zhang-appt' });
    if (!r.ok) throw new Error(r.error.message);
    const v = r.value as { cards: { id: string; body: string; actions: { type: string; text?: string }[] }[]; compliance: { ruleId: string }[]; unavailable: unknown };
    expect(v.unavailable).toEqual({ summary: null, reply: null });
    expect(vllm.bodies).toHaveLength(2);
    expect(vllm.bodies[0]!.messages[1]!.content).toContain('妇科门诊');
    expect(v.compliance.map((h) => h.ruleId)).toContain('advertising');
    const reply = v.cards.find((c) => c.id === 'llm:reply')!;
    expect(reply.actions[0]!.text).not.toContain('最好的医生');
    expect(reply.actions[0]!.text).toContain('经验丰富的团队');
    expect(await ws.dispatch('knowledge.assist', { conversationId: 'v-nope' })).toMatchObject({ ok: false, error: { code: 'replica.not_found' } });
  });

  it('in the demo clinic (no hub) feedback is kept locally and nothing is queued for a hub that does not exist', async () => {
    const ws = await demo();
    expect(await ws.dispatch('knowledge.feedback', { itemId: 'adm-pay-how', useful: false, conversationId: 'v-zhang-appt' })).toEqual({ ok: true, value: { recorded: true } });
    expect(await ws.dispatch('knowledge.track', { itemId: 'adm-pay-how', event: 'shown' })).toEqual({ ok: true, value: { recorded: false } });
    expect(ws.replica.sqlite.prepare('SELECT count(*) AS n FROM knowledge_feedback').get()).toEqual({ n: 1 });
    expect(ws.replica.sqlite.prepare("SELECT count(*) AS n FROM outbox WHERE kind = 'knowledge.feedback'").get()).toEqual({ n: 0 });
    expect(await ws.dispatch('knowledge.usage', { days: 7 })).toMatchObject({ ok: false, error: { code: 'supervisor.forbidden' } });
    const b = await ws.dispatch('knowledge.bundle', {});
    expect(b).toMatchObject({ ok: true, value: { version: 0, retired: [] } });
  });
});
