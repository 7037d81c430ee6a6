import { maskPii } from '../../../shared/engine/pii/mask';

/**
 * Scrubs what goes into a workstation log (and again into a diagnostics export): the
 * engine's PII masker with no hints (phones, resident IDs, bank cards, e-mails,
 * addresses and any names we know), plus secrets. Applied to string values, never to
 * a serialized JSON line (a masked digit run inside a number would break the JSON).
 */

/** Keys whose values are never written: secrets, and free text that is patient content. */
const SECRET_KEYS = /^(password|passwd|pwd|token|accesstoken|refreshtoken|authorization|cookie|secret|key|apikey)$/i;
const CONTENT_KEYS = /^(body|text|preview|lastmessagepreview|subject|note|content|draft)$/i;

const BEARER = /\b(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/g;
const TOKEN_PARAM = /([?&](?:token|access_token|refresh_token)=)[^&#\s"]+/gi;

export interface ScrubOptions {
  /** Names to mask wherever they appear (contacts known to this replica). */
  names?: readonly string[];
}

export function scrubText(text: string, opts: ScrubOptions = {}): string {
  const masked = maskPii(text, { hint: false, ...(opts.names?.length ? { names: opts.names } : {}) }).text;
  return masked.replace(BEARER, '$1[secret]').replace(TOKEN_PARAM, '$1[secret]');
}

/** Deep copy with every string scrubbed, secret keys replaced and content keys reduced to their length. */
export function scrubValue(value: unknown, opts: ScrubOptions = {}, depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value, opts);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8) return '[deep]';
  if (value instanceof Error) return { type: value.name, message: scrubText(value.message, opts), ...(value.stack ? { stack: scrubText(value.stack, opts) } : {}) };
  if (Array.isArray(value)) return value.slice(0, 200).map((v) => scrubValue(v, opts, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (SECRET_KEYS.test(k)) out[k] = '[secret]';
    else if (CONTENT_KEYS.test(k) && typeof v === 'string') out[k] = `[text ${Array.from(v).length} chars]`;
    else out[k] = scrubValue(v, opts, depth + 1);
  }
  return out;
}

/** One log line read back from disk: JSON lines are scrubbed value by value, anything else as text. */
export function scrubLogLine(line: string, opts: ScrubOptions = {}): string {
  const trimmed = line.trim();
  if (trimmed.startsWith('{')) {
    try {
      return JSON.stringify(scrubValue(JSON.parse(trimmed), opts));
    } catch {
      // not JSON after all
    }
  }
  return scrubText(line, opts);
}
