/**
 * Text normalisation shared by every engine stage.
 *
 * Invariant: the output has exactly the same UTF-16 length as the input, so a span
 * found in normalised text is also a span of the original (compliance hits and PII
 * masks point into what the agent actually typed).
 */
import * as OpenCC from 'opencc-js/t2cn';

// Phrase-aware traditional→simplified (OpenCC's generic "t" → mainland "cn").
const toSimplified = OpenCC.Converter({ from: 't', to: 'cn' });

/** Full-width ASCII (U+FF01–FF5E) → half-width; ideographic space → space. */
export function foldWidth(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xff01 && c <= 0xff5e) out += String.fromCharCode(c - 0xfee0);
    else if (c === 0x3000) out += ' ';
    else out += text[i];
  }
  return out;
}

/** Lower-case without ever changing length (skips the few code points that expand, e.g. İ). */
export function foldCase(text: string): string {
  const lower = text.toLowerCase();
  if (lower.length === text.length) return lower;
  let out = '';
  for (const ch of text) {
    const l = ch.toLowerCase();
    out += l.length === ch.length ? l : ch;
  }
  return out;
}

/** Traditional → simplified; falls back to per-character conversion if a phrase rule changed length. */
export function simplify(text: string): string {
  if (!/[\u3400-\u9fff]/.test(text)) return text;
  const s = toSimplified(text);
  if (s.length === text.length) return fixups(s);
  let out = '';
  for (const ch of text) {
    const c = toSimplified(ch);
    out += c.length === ch.length ? c : ch;
  }
  return fixups(out);
}

// OpenCC keeps 著 (valid in 著名), but patients writing 著急/睡不著 mean 着.
function fixups(s: string): string {
  return s.includes('著') ? s.replace(/著急/g, '着急').replace(/不著/g, '不着').replace(/著凉/g, '着凉') : s;
}

/** The one normaliser: width + case + script. Same length as the input. */
export function normalize(text: string): string {
  return simplify(foldCase(foldWidth(text)));
}

const HAN = /\p{Script=Han}/u;
export const isHan = (ch: string): boolean => HAN.test(ch);

/** Rough language guess for choosing zh-CN or en output. */
export function guessLanguage(text: string): 'zh-CN' | 'en' {
  let han = 0;
  let latin = 0;
  for (const ch of text) {
    if (HAN.test(ch)) han++;
    else if (/[a-z]/i.test(ch)) latin++;
  }
  return han > 0 && han * 3 >= latin ? 'zh-CN' : latin > 0 ? 'en' : 'zh-CN';
}
