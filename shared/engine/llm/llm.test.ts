import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_RULES, type ComplianceRule } from '../compliance/rules';
import { llmAssist, screenText, type AssistInput } from './assist';
import { completionsUrl, createLlmProvider, LLM_ERROR_TEXT } from './provider';

/**
 * A small local HTTP server speaking the OpenAI chat-completions JSON shape stands in
 * for the hospital's vLLM (no model runs here). Each test decides what it answers.
 */
type Handler = (body: { model: string; messages: { role: string; content: string }[]; max_tokens: number; temperature: number; stream: boolean }, req: IncomingMessage, res: ServerResponse) => void;

interface FakeVllm {
  url: string;
  requests: { path: string; auth: string | undefined; body: Parameters<Handler>[0] }[];
  close(): Promise<void>;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); })));
});

async function fakeVllm(handler: Handler): Promise<FakeVllm> {
  const requests: FakeVllm['requests'] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      const body = JSON.parse(raw) as Parameters<Handler>[0];
      requests.push({ path: req.url ?? '', auth: req.headers.authorization, body });
      handler(body, req, res);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((r) => server.close(() => r())) };
}

const completion = (content: string) => JSON.stringify({ id: 'cmpl-1', object: 'chat.completion', created: 1, model: 'qwen2.5-7b-instruct', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }], usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 } });

/** Answers the summary prompt and the reply prompt differently (they differ by system prompt). */
function answering(summary: string, reply: string): Handler {
  return (body, _req, res) => {
    const isSummary = /摘要|summar/i.test(body.messages[0]?.content ?? '');
    res.writeHead(200, { 'content-type': 'application/json' }).end(completion(isSummary ? summary : reply));
  };
}

const NOW = Date.UTC(2025, 0, 15, 8);
const input = (over: Partial<AssistInput> = {}): AssistInput => ({
  messages: [
    { from: 'patient', text: '医生你好，我血糖最近有点高，空腹8点几，我的电话是13812345678' },
    { from: 'staff', text: '您好，请问您现在用什么药？' },
    { from: 'patient', text: '二甲双胍，一天两次' },
  ],
  role: 'agent',
  lang: 'zh-CN',
  now: NOW,
  ...over,
});

describe('on-prem LLM provider (OpenAI-compatible chat completions)', () => {
  it('is off when not configured: no request, a clear reason in zh-CN and en, red flags still computed', async () => {
    const provider = createLlmProvider(null);
    expect(provider.enabled).toBe(false);
    const r = await llmAssist(provider, input({ messages: [{ from: 'patient', text: '胸口疼得厉害，喘不上气' }] }));
    expect(r.unavailable.reply).toMatchObject({ code: 'llm.disabled', message: LLM_ERROR_TEXT['llm.disabled'] });
    expect(r.unavailable.reply?.message['zh-CN']).toMatch(/未配置/);
    expect(r.unavailable.reply?.message.en).toMatch(/No on-premises language model/);
    expect(r.cards.length).toBeGreaterThan(0);
    expect(r.cards.every((c) => c.kind === 'red_flag')).toBe(true);
  });

  it('sends the OpenAI request shape with the model, a system prompt, the masked transcript and the API key; offers summary and reply cards', async () => {
    const vllm = await fakeVllm(answering('患者空腹血糖8点多，正在服用二甲双胍，咨询血糖偏高怎么办。', '您好，空腹血糖偏高需要结合近期情况评估，建议您近期到内分泌门诊复诊，用药调整请遵医嘱。'));
    const provider = createLlmProvider({ baseUrl: `${vllm.url}/v1/`, model: 'qwen2.5-7b-instruct', apiKey: 'hospital-key', timeoutMs: 5000 });
    const r = await llmAssist(provider, input());

    expect(vllm.requests).toHaveLength(2);
    for (const req of vllm.requests) {
      expect(req.path).toBe('/v1/chat/completions');
      expect(req.auth).toBe('Bearer hospital-key');
      expect(req.body).toMatchObject({ model: 'qwen2.5-7b-instruct', stream: false, max_tokens: 400 });
      expect(req.body.messages.map((m) => m.role)).toEqual(['system', 'user']);
      // The patient's phone number never leaves the workstation in clear.
      expect(req.body.messages[1]!.content).toContain('患者: ');
      expect(req.body.messages[1]!.content).not.toContain('13812345678');
    }
    expect(r.unavailable).toEqual({ summary: null, reply: null });
    expect(r.cards.map((c) => c.id)).toEqual(['llm:summary', 'llm:reply']);
    const reply = r.cards.find((c) => c.id === 'llm:reply')!;
    expect(reply).toMatchObject({ kind: 'answer', sourceItemId: 'llm:qwen2.5-7b-instruct', title: 'AI 建议回复（发送前请核对）' });
    // Only ever a suggestion: the one action puts the text into the draft.
    expect(reply.actions).toEqual([{ type: 'suggest_reply', text: r.reply!.text }]);
    expect(completionsUrl('http://h:8000')).toBe('http://h:8000/v1/chat/completions');
  });

  it('a non-compliant suggestion is rewritten by the compliance lint and says so', async () => {
    const vllm = await fakeVllm(answering('患者咨询血糖。', '别担心，你这是糖尿病，你吃格列美脲吧，保证治好，这是最好的药。'));
    const r = await llmAssist(createLlmProvider({ baseUrl: vllm.url, model: 'm' }), input());
    expect(r.reply!.hits.map((h) => h.ruleId).sort()).toEqual(expect.arrayContaining(['advertising', 'cure_promise', 'diagnosis', 'prescription']));
    expect(r.reply!.rewritten).toBe(true);
    const text = r.reply!.text!;
    expect(text).not.toMatch(/你这是糖尿病|保证治好|最好的药|吃格列美脲/);
    expect(text).toContain('我们会尽力帮助您，具体效果因人而异');
    // What is offered passes the lint for the agent's role.
    expect(screenText(text, { role: 'agent' }).remaining.filter((h) => h.severity === 'block')).toEqual([]);
    const card = r.cards.find((c) => c.id === 'llm:reply')!;
    expect(card.body).toMatch(/已按合规规则改写（.*cure_promise.*）/);
    expect(card.actions).toEqual([{ type: 'suggest_reply', text }]);
  });

  it('a text that cannot be made compliant is withheld with a reason, not offered', async () => {
    // A deployment rule that can only be flagged (its "rewrite" keeps the words).
    const noRewrite: ComplianceRule = { id: 'competitor', kind: 'pattern', severity: { agent: 'block', nurse: 'block', doctor: 'block' }, patterns: [/隔壁医院/g], negatable: false, questionExempt: false, explanation: { 'zh-CN': '不得评价其他医疗机构', en: 'Do not comment on other providers' }, rewrite: (m) => m };
    const vllm = await fakeVllm(answering('患者咨询血糖。', '建议去隔壁医院看看。'));
    const r = await llmAssist(createLlmProvider({ baseUrl: vllm.url, model: 'm' }), input({ rules: [...DEFAULT_RULES, noRewrite] }));
    expect(r.cards.map((c) => c.id)).toEqual(['llm:summary']);
    expect(r.unavailable.reply).toMatchObject({ code: 'llm.non_compliant', detail: 'competitor' });
    expect(r.unavailable.reply!.message.en).toMatch(/withheld/);
  });

  it('red flags still surface first; with an emergency no AI reply is suggested', async () => {
    const vllm = await fakeVllm(answering('患者诉胸痛伴气短。', '不用担心，多喝热水休息一下就好。'));
    const r = await llmAssist(createLlmProvider({ baseUrl: vllm.url, model: 'm' }), input({ messages: [{ from: 'patient', text: '我胸口疼得厉害，喘不上气' }] }));
    expect(r.redFlags.map((f) => f.id)).toEqual(expect.arrayContaining(['chest_pain']));
    expect(r.cards[0]).toMatchObject({ kind: 'red_flag', urgency: 'emergency' });
    expect(r.cards.some((c) => c.id === 'llm:reply')).toBe(false);
    expect(r.unavailable.reply).toMatchObject({ code: 'llm.red_flag' });
    // The model's dismissive reply was never even requested.
    expect(vllm.requests.filter((q) => !/摘要|summar/i.test(q.body.messages[0]!.content))).toHaveLength(0);
    // The summary is still offered, below the red flags.
    expect(r.cards.at(-1)).toMatchObject({ id: 'llm:summary' });
  });

  it('a red flag the rules find in the model\'s summary is surfaced too', async () => {
    const vllm = await fakeVllm(answering('患者昨天提到出现口角歪斜、说话不清。', '您好，我们已记录，会尽快联系您。'));
    const r = await llmAssist(createLlmProvider({ baseUrl: vllm.url, model: 'm' }), input());
    expect(r.redFlags.map((f) => f.id)).toContain('stroke');
    expect(r.cards[0]!.kind).toBe('red_flag');
  });

  it('a timeout degrades to no card with a clear reason, and never throws', async () => {
    const vllm = await fakeVllm((_b, _req, res) => {
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(completion('太晚了')), 1500);
    });
    const t0 = Date.now();
    const r = await llmAssist(createLlmProvider({ baseUrl: vllm.url, model: 'm', timeoutMs: 200 }), input({ messages: [{ from: 'patient', text: '胸闷，有点喘' }] }));
    expect(Date.now() - t0).toBeLessThan(1200);
    expect(r.unavailable.summary).toMatchObject({ code: 'llm.timeout' });
    expect(r.unavailable.reply?.code).toMatch(/^llm\.(timeout|red_flag)$/);
    expect(r.cards.every((c) => c.kind === 'red_flag')).toBe(true);
    expect(r.unavailable.summary!.message['zh-CN']).toMatch(/超时/);
    expect(r.unavailable.summary!.message.en).toMatch(/did not answer in time/);
  });

  it('malformed answers become clear errors: not JSON, wrong shape, empty content, HTTP errors, nothing listening', async () => {
    const cases: [Handler, string, RegExp][] = [
      [(_b, _r, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>gateway</html>'), 'llm.bad_response', /not JSON/],
      [(_b, _r, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data: [] })), 'llm.bad_response', /unexpected shape at choices/],
      [(_b, _r, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ choices: [{ message: { content: 42 } }] })), 'llm.bad_response', /choices\.0\.message\.content/],
      [(_b, _r, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(completion('   ')), 'llm.empty', /^$/],
      [(_b, _r, res) => res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'model is loading' } })), 'llm.http_error', /HTTP 503: model is loading/],
      [(_b, _r, res) => res.writeHead(401).end('unauthorized'), 'llm.http_error', /HTTP 401/],
    ];
    for (const [handler, code, detail] of cases) {
      const vllm = await fakeVllm(handler);
      const out = await createLlmProvider({ baseUrl: vllm.url, model: 'm' }).chat([{ role: 'user', content: 'hi' }]);
      expect(out.ok, code).toBe(false);
      if (!out.ok) {
        expect(out.error.code).toBe(code);
        expect(out.error.detail ?? '').toMatch(detail);
        expect(out.error.message['zh-CN'].length).toBeGreaterThan(0);
        expect(out.error.message.en!.length).toBeGreaterThan(0);
      }
    }
    const gone = await fakeVllm(() => undefined);
    await gone.close();
    const out = await createLlmProvider({ baseUrl: gone.url, model: 'm', timeoutMs: 2000 }).chat([{ role: 'user', content: 'hi' }]);
    expect(out).toMatchObject({ ok: false, error: { code: 'llm.unreachable' } });
    // An invalid configuration is off with the reason, not a crash.
    const bad = createLlmProvider({ baseUrl: 'not a url', model: 'm' });
    expect(bad.enabled).toBe(false);
    expect(await bad.chat([])).toMatchObject({ ok: false, error: { code: 'llm.disabled', detail: expect.stringMatching(/baseUrl/) } });
  });

  it('English conversations get English prompts and cards', async () => {
    const vllm = await fakeVllm(answering('The patient asks about high fasting glucose.', 'Thank you for your message. Please book a review with your doctor, who will check your readings.'));
    const r = await llmAssist(createLlmProvider({ baseUrl: vllm.url, model: 'm' }), input({ lang: 'en', messages: [{ from: 'patient', text: 'my fasting sugar is 8.5 recently' }] }));
    expect(vllm.requests[0]!.body.messages[1]!.content).toBe('Patient: my fasting sugar is 8.5 recently');
    expect(r.cards.map((c) => c.title)).toEqual(['AI conversation summary (for reference)', 'AI suggested reply (check before sending)']);
  });
});
