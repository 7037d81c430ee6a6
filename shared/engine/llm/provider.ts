/**
 * Optional on-prem LLM: an OpenAI-compatible `/v1/chat/completions` endpoint run by
 * the hospital (vLLM, llama.cpp server, TGI's OpenAI route …). Off unless
 * configured. Pure TS over the global `fetch` (no node:), so it runs in the main
 * process, a worker or the hub alike. Never throws: every failure (not
 * configured, timeout, unreachable, HTTP error, malformed answer, empty answer)
 * is a typed error with a zh-CN/en reason, so the caller shows no card and says why.
 */
import { z } from 'zod';
import type { Localized } from '../types';
import { web, type AbortSignalLike, type FetchLike, type ResponseLike } from './web';

export const llmConfigSchema = z.object({
  /** `http://vllm.intranet:8000` or `…/v1`; `/v1/chat/completions` is appended as needed. */
  baseUrl: z.string().url(),
  model: z.string().min(1),
  /** Sent as `Authorization: Bearer …` when set (vLLM `--api-key`). */
  apiKey: z.string().min(1).optional(),
  /** Whole request, connect to last byte. */
  timeoutMs: z.number().int().min(100).max(120_000).default(15_000),
  maxTokens: z.number().int().min(16).max(4096).default(400),
  temperature: z.number().min(0).max(2).default(0.2),
});
export type LlmConfig = z.input<typeof llmConfigSchema>;

export const llmErrorCodes = ['llm.disabled', 'llm.timeout', 'llm.unreachable', 'llm.http_error', 'llm.bad_response', 'llm.empty', 'llm.non_compliant', 'llm.red_flag'] as const;
export type LlmErrorCode = (typeof llmErrorCodes)[number];

export const LLM_ERROR_TEXT: Record<LlmErrorCode, Localized> = {
  'llm.disabled': { 'zh-CN': '未配置院内大模型服务，AI 建议已关闭。', en: 'No on-premises language model is configured; AI suggestions are off.' },
  'llm.timeout': { 'zh-CN': '院内大模型服务响应超时，本次没有 AI 建议。', en: 'The on-premises language model did not answer in time; no AI suggestion this time.' },
  'llm.unreachable': { 'zh-CN': '无法连接院内大模型服务，本次没有 AI 建议。', en: 'The on-premises language model cannot be reached; no AI suggestion this time.' },
  'llm.http_error': { 'zh-CN': '院内大模型服务返回错误，本次没有 AI 建议。', en: 'The on-premises language model answered with an error; no AI suggestion this time.' },
  'llm.bad_response': { 'zh-CN': '院内大模型服务的回复格式无法识别，本次没有 AI 建议。', en: 'The on-premises language model sent an answer that cannot be read; no AI suggestion this time.' },
  'llm.empty': { 'zh-CN': '院内大模型服务没有给出内容。', en: 'The on-premises language model returned nothing.' },
  'llm.non_compliant': { 'zh-CN': 'AI 建议未通过合规检查（且无法自动改写），已拦截。', en: 'The AI suggestion failed the compliance check and could not be rewritten; it was withheld.' },
  'llm.red_flag': { 'zh-CN': '存在需紧急处理的危险信号：请使用急救话术，不提供 AI 回复建议。', en: 'An emergency red flag is present: use the emergency script; no AI reply is suggested.' },
};

export interface LlmError {
  code: LlmErrorCode;
  message: Localized;
  /** Technical detail for logs (HTTP status, parse problem); never shown as advice. */
  detail?: string;
}

export const llmError = (code: LlmErrorCode, detail?: string): LlmError => ({ code, message: LLM_ERROR_TEXT[code], ...(detail ? { detail: detail.slice(0, 300) } : {}) });

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export type ChatOutcome = { ok: true; text: string } | { ok: false; error: LlmError };

export interface LlmProvider {
  readonly enabled: boolean;
  readonly model: string | null;
  chat(messages: readonly ChatMessage[], opts?: { signal?: AbortSignalLike }): Promise<ChatOutcome>;
}

/** The part of the OpenAI chat-completions answer we read. */
const completionSchema = z.object({
  choices: z
    .array(z.object({ message: z.object({ content: z.string().nullable().optional() }) }))
    .min(1),
});

export function completionsUrl(baseUrl: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  return /\/v1$/.test(base) ? `${base}/chat/completions` : `${base}/v1/chat/completions`;
}

const DISABLED: LlmProvider = Object.freeze({
  enabled: false,
  model: null,
  chat: async () => ({ ok: false as const, error: llmError('llm.disabled') }),
});

/**
 * `config` null/undefined (or invalid) → a disabled provider that answers
 * `llm.disabled`. `fetchImpl` defaults to the global fetch.
 */
export function createLlmProvider(config: LlmConfig | null | undefined, fetchImpl?: FetchLike): LlmProvider {
  if (!config) return DISABLED;
  const parsed = llmConfigSchema.safeParse(config);
  if (!parsed.success) return { ...DISABLED, chat: async () => ({ ok: false, error: llmError('llm.disabled', `invalid configuration: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`) }) };
  const c = parsed.data;
  const url = completionsUrl(c.baseUrl);
  const doFetch: FetchLike | undefined = fetchImpl ?? (web.fetch ? (u, i) => web.fetch!(u, i) : undefined);
  if (!doFetch || !web.AbortController) return { ...DISABLED, chat: async () => ({ ok: false, error: llmError('llm.disabled', 'this runtime has no fetch/AbortController') }) };
  const Controller = web.AbortController;

  return {
    enabled: true,
    model: c.model,
    async chat(messages, opts = {}) {
      const ctl = new Controller();
      let timedOut = false;
      const timer = web.setTimeout(() => {
        timedOut = true;
        ctl.abort();
      }, c.timeoutMs);
      const onAbort = () => ctl.abort();
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      try {
        const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
        if (c.apiKey) headers.authorization = `Bearer ${c.apiKey}`;
        let res: ResponseLike;
        try {
          res = await doFetch(url, {
            method: 'POST',
            headers,
            body: JSON.stringify({ model: c.model, messages, max_tokens: c.maxTokens, temperature: c.temperature, stream: false }),
            signal: ctl.signal,
          });
        } catch (e) {
          const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : '';
          return { ok: false, error: timedOut ? llmError('llm.timeout', `no answer within ${c.timeoutMs} ms`) : llmError('llm.unreachable', e instanceof Error ? `${e.message}${cause}` : String(e)) };
        }
        let text: string;
        try {
          text = await res.text();
        } catch (e) {
          return { ok: false, error: timedOut ? llmError('llm.timeout', `answer not complete within ${c.timeoutMs} ms`) : llmError('llm.unreachable', e instanceof Error ? e.message : String(e)) };
        }
        if (!res.ok) {
          let why = '';
          try {
            const body = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
            why = typeof body.error === 'string' ? body.error : String(body.error?.message ?? body.message ?? '');
          } catch {
            why = text.slice(0, 120);
          }
          return { ok: false, error: llmError('llm.http_error', `HTTP ${res.status}${why ? `: ${why}` : ''}`) };
        }
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          return { ok: false, error: llmError('llm.bad_response', `not JSON: ${JSON.stringify(text.slice(0, 80))}`) };
        }
        const body = completionSchema.safeParse(json);
        if (!body.success) {
          const issue = body.error.issues[0];
          return { ok: false, error: llmError('llm.bad_response', `unexpected shape at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? ''}`) };
        }
        const content = (body.data.choices[0]?.message.content ?? '').trim();
        if (!content) return { ok: false, error: llmError('llm.empty') };
        return { ok: true, text: content };
      } finally {
        web.clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
      }
    },
  };
}
