/**
 * Masks patient identifiers before anything reaches a log line. Logs leave the
 * hospital (support tickets, log shippers); what identifies a patient must not.
 */

// Mainland mobile numbers, with an optional +86 / 86 prefix.
const MOBILE = /(?<![\d])(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)/g;
// 18-digit resident identity card numbers (last character may be X).
const RESIDENT_ID = /(?<![\dA-Za-z])(\d{3})\d{11}(\d{3}[\dXx])(?![\dA-Za-z])/g;
// Landlines like 010-12345678 / 0571-8888888.
const LANDLINE = /(?<!\d)(0\d{2,3})-?\d{3,4}(\d{4})(?!\d)/g;
const EMAIL = /([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})/g;

/** Masks phone numbers, ID card numbers and e-mail addresses inside free text. */
export function maskText(text: string): string {
  return text
    .replace(RESIDENT_ID, (_m, a: string, b: string) => `${a}***********${b}`)
    .replace(MOBILE, (_m, a: string, _b: string, c: string) => `${a}****${c}`)
    .replace(LANDLINE, (_m, a: string, c: string) => `${a}-****${c}`)
    .replace(EMAIL, (_m, a: string, d: string) => `${a}***@${d}`);
}

/** 王秀英 → 王**, Emily Huang → E********** (length kept, so a log reader sees "a name was here"). */
export function maskName(name: string): string {
  const chars = Array.from(name.trim());
  if (chars.length === 0) return '';
  return chars[0] + '*'.repeat(Math.max(1, chars.length - 1));
}

/** Fields whose values identify a patient or are secrets, and how each is masked. */
export const NAME_FIELDS = ['displayName', 'authorName', 'contactName', 'name', 'patientName'] as const;
export const SECRET_FIELDS = ['password', 'passwordHash', 'token', 'accessToken', 'refreshToken', 'authorization', 'cookie'] as const;
export const TEXT_FIELDS = ['body', 'subject', 'lastMessagePreview', 'preview', 'externalId', 'phone', 'idNumber', 'email'] as const;

/** The censor pino's redact calls for every matching path. */
export function censor(value: unknown, path: string[]): unknown {
  const key = path[path.length - 1] ?? '';
  if ((SECRET_FIELDS as readonly string[]).includes(key)) return '[secret]';
  if (typeof value !== 'string') return value === undefined ? value : '[masked]';
  if ((NAME_FIELDS as readonly string[]).includes(key)) return maskName(value);
  if (key === 'body' || key === 'lastMessagePreview' || key === 'preview' || key === 'subject') return `[text ${Array.from(value).length} chars]`;
  return maskText(value).replace(/[A-Za-z0-9]{5,}/g, (s) => `${s.slice(0, 2)}***`);
}

/** Redact paths (pino/fast-redact syntax) for every masked field at depths 1-4. */
export function redactPaths(): string[] {
  const fields = [...NAME_FIELDS, ...SECRET_FIELDS, ...TEXT_FIELDS];
  const out: string[] = ['req.headers.authorization', 'req.headers.cookie'];
  for (const f of fields) out.push(f, `*.${f}`, `*.*.${f}`, `*.*.*.${f}`);
  return out;
}

/** Drops the `token` query parameter from a URL before it is logged. */
export function stripTokenFromUrl(url: string): string {
  return url.replace(/([?&])token=[^&#]*/g, '$1token=[secret]');
}
