/**
 * Masks personal identifiers for display, logs and exports while keeping a hint
 * (138****5678, 110***********123X, z***@example.com, 张*), so staff can still tell
 * records apart. `hint: false` (logs that leave the machine) masks everything.
 */
import { findPii, type PiiKind, type PiiSpan } from './detect';

export interface MaskOptions {
  /** Names known for this contact (patient, family) — masked wherever they appear. */
  names?: readonly string[];
  /** Keep a recognisable hint. Default true. */
  hint?: boolean;
  /** Kinds to leave alone (e.g. the contact's own phone in an internal view). */
  skip?: readonly PiiKind[];
}

const COMPOUND_SURNAMES = ['欧阳', '司马', '诸葛', '上官', '慕容', '司徒', '东方', '皇甫', '夏侯', '令狐', '尉迟', '长孙', '宇文', '公孙'];
const stars = (n: number) => '*'.repeat(Math.max(0, n));

/** Replaces digits (only) after `keepHead` and before the last `keepTail` digits, preserving separators. */
function maskDigits(s: string, keepHead: number, keepTail: number): string {
  const total = s.replace(/[^\dXx]/g, '').length;
  let seen = 0;
  let out = '';
  for (const ch of s) {
    if (/\d|X|x/.test(ch)) {
      out += seen < keepHead || seen >= total - keepTail ? ch : '*';
      seen++;
    } else out += ch;
  }
  return out;
}

export function maskSpan(span: PiiSpan, hint = true): string {
  const t = span.text;
  switch (span.kind) {
    case 'phone': {
      // Keep a +86 prefix as typed; hint = first 3 and last 4 digits of the number itself.
      const prefix = /^\+?86[- ]?/.exec(t)?.[0] ?? '';
      const body = t.slice(prefix.length);
      return prefix + (hint ? maskDigits(body, 3, 4) : maskDigits(body, 0, 0));
    }
    case 'id_number':
      return hint ? maskDigits(t, 3, 4) : maskDigits(t, 0, 0);
    case 'bank_card':
      return hint ? maskDigits(t, 0, 4) : maskDigits(t, 0, 0);
    case 'email': {
      const at = t.indexOf('@');
      return hint ? `${t[0]}***${t.slice(at)}` : `***${t.slice(at)}`;
    }
    case 'address': {
      const m = /^(?:[\u4e00-\u9fa5]{2,7}(?:省|自治区))?(?:[\u4e00-\u9fa5]{2,7}市)?(?:[\u4e00-\u9fa5]{1,7}(?:区|县))?/.exec(t);
      const keep = hint ? (m?.[0] ?? '') : '';
      return `${keep}****`;
    }
    case 'name': {
      if (!hint) return stars(t.length);
      if (/^[\u4e00-\u9fa5]+$/.test(t)) {
        const sur = COMPOUND_SURNAMES.find((c) => t.startsWith(c) && t.length > 2) ?? t[0]!;
        return sur + stars(t.length - sur.length);
      }
      return t.replace(/[A-Za-z]+/g, (w) => w[0] + stars(w.length - 1));
    }
  }
}

export interface MaskResult {
  text: string;
  spans: PiiSpan[];
}

export function maskPii(text: string, opts: MaskOptions = {}): MaskResult {
  const spans = findPii(text, opts.names ?? []).filter((s) => !opts.skip?.includes(s.kind));
  let out = '';
  let pos = 0;
  for (const s of spans) {
    out += text.slice(pos, s.start) + maskSpan(s, opts.hint ?? true);
    pos = s.end;
  }
  return { text: out + text.slice(pos), spans };
}
