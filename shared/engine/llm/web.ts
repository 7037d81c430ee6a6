/**
 * The few web-platform globals the LLM provider uses (fetch, AbortController,
 * timers), typed here because shared/ compiles against plain ES2023 — no DOM, no
 * Node types — and must not import node:. Every runtime we ship on (Node ≥ 20,
 * Electron, browsers, workers) has them.
 */
export interface AbortSignalLike {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

export interface AbortControllerLike {
  readonly signal: AbortSignalLike;
  abort(): void;
}

export interface ResponseLike {
  readonly ok: boolean;
  readonly status: number;
  text(): Promise<string>;
}

export interface FetchInit {
  method: 'POST';
  headers: Record<string, string>;
  body: string;
  signal: AbortSignalLike;
}

export type FetchLike = (url: string, init: FetchInit) => Promise<ResponseLike>;

interface WebGlobals {
  fetch?: FetchLike;
  AbortController?: new () => AbortControllerLike;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const web = globalThis as unknown as WebGlobals;
