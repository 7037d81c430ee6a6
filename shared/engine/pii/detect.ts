/**
 * Finds personal identifiers: mainland mobiles, resident IDs (checksum-validated),
 * bank cards (Luhn), e-mails, street addresses and names the caller already knows.
 * Digit strings that fail their checksum are left alone (order numbers, lab ids).
 */
import { isMainlandMobile, isValidResidentId, luhn } from './validators';

export type PiiKind = 'email' | 'id_number' | 'bank_card' | 'phone' | 'address' | 'name';

export interface PiiSpan {
  kind: PiiKind;
  start: number;
  end: number;
  text: string;
  /** Digits only (phones, ids, cards) — for comparing with a contact's own identifiers. */
  value: string;
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const ID18 = /(?<![0-9A-Za-z])\d{6}\s?\d{8}\s?\d{3}[\dXx](?![0-9A-Za-z])/g;
const CARD = /(?<![0-9A-Za-z])\d{4}(?:[ -]?\d{4}){2,3}(?:[ -]?\d{1,3})?(?![0-9A-Za-z])/g;
const PHONE = /(?<![0-9A-Za-z])(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?![0-9A-Za-z])/g;
// 省/市/区/县 … 路/街/巷/道 + 号 [+ 栋/单元/室]; the lead-in trimmed below.
const ADDRESS =
  /(?:[\u4e00-\u9fa5]{2,7}(?:省|自治区))?(?:[\u4e00-\u9fa5]{2,7}市)?(?:[\u4e00-\u9fa5]{1,7}(?:区|县))?(?:[\u4e00-\u9fa5]{1,7}(?:镇|乡|街道))?[\u4e00-\u9fa5\d]{1,12}?(?:路|街|巷|大道|胡同|弄)\d+号(?:(?:院|大院)?\d+(?:号楼|栋|幢|单元|室|层|楼|号))*/g;
const LEAD_IN = /^.*?(?:住在|住址是|住址|地址是|地址|家住|家在|位于|寄到|送到|搬到|在)/;

const digitsOf = (s: string) => s.replace(/\D/g, '');
const overlaps = (spans: PiiSpan[], s: number, e: number) => spans.some((x) => s < x.end && e > x.start);

export function findPii(text: string, knownNames: readonly string[] = []): PiiSpan[] {
  const spans: PiiSpan[] = [];
  const add = (kind: PiiKind, start: number, end: number, value = '') => {
    if (!overlaps(spans, start, end)) spans.push({ kind, start, end, text: text.slice(start, end), value });
  };
  for (const m of text.matchAll(EMAIL)) add('email', m.index, m.index + m[0].length, m[0].toLowerCase());
  for (const m of text.matchAll(ID18)) {
    const v = m[0].replace(/\s/g, '').toUpperCase();
    if (isValidResidentId(v)) add('id_number', m.index, m.index + m[0].length, v);
  }
  for (const m of text.matchAll(PHONE)) {
    const d = digitsOf(m[0]).replace(/^86(?=1\d{10}$)/, '');
    if (isMainlandMobile(d)) add('phone', m.index, m.index + m[0].length, d);
  }
  for (const m of text.matchAll(CARD)) {
    const d = digitsOf(m[0]);
    if (d.length >= 13 && d.length <= 19 && luhn(d) && !isMainlandMobile(d)) add('bank_card', m.index, m.index + m[0].length, d);
  }
  for (const m of text.matchAll(ADDRESS)) {
    let start = m.index;
    let s = m[0];
    const lead = LEAD_IN.exec(s);
    if (lead && lead[0].length < s.length - 3) {
      start += lead[0].length;
      s = s.slice(lead[0].length);
    }
    add('address', start, start + s.length);
  }
  for (const name of knownNames) {
    const n = name.trim();
    if (n.length < 2) continue;
    const lower = text.toLowerCase();
    for (let i = lower.indexOf(n.toLowerCase()); i >= 0; i = lower.indexOf(n.toLowerCase(), i + n.length)) add('name', i, i + n.length, n);
  }
  return spans.sort((a, b) => a.start - b.start);
}
