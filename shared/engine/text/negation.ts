/**
 * Negation / resolution detection around a matched span, zh-CN and en.
 *
 * Policy (safety first): only clear negations suppress a finding —
 *   没有胸痛 · 不胸痛 · 否认胸痛 · 胸口不疼了 · 胸痛已经好了 · "no chest pain" · "denies chest pain"
 * while persistence phrases win over everything — 胸痛没有缓解 · "chest pain is not improving".
 * Anything ambiguous (不知道是不是胸痛, "not sure if it's chest pain") counts as affirmed.
 */
export type Polarity = 'affirmed' | 'negated';

const CLAUSE_BREAK = /[,.;!?。，；！？\n:：]|但是|但|可是|不过|然而|却|\bbut\b|\bhowever\b|\balthough\b|\bthough\b|\bexcept\b/g;

// zh negation cues, longest first.
const ZH_CUES = ['并没有', '从来没有', '从没有', '没有', '从没', '否认', '不再', '没', '无', '未', '不', '别'];
// Words that start with a cue character but do not negate what follows.
const ZH_NOT_NEGATION = [
  '不停', '不断', '不住', '不适', '不舒服', '不行', '不了', '不得', '不少', '不止', '不好', '不对', '不正常', '不知道', '不清楚', '不确定', '不太清楚', '不明原因', '不明',
  '不知', '不会', '不能', '不太', '不一样', '不规律', '无法', '无力', '无缘无故', '无明显诱因', '无诱因', '没法', '没办法', '没有办法', '没注意', '没留意', '没想到', '没事', '没多久', '没过多久', '没几天', '没一会', '没什么原因', '未知', '别的',
];
// After the span: persistence beats resolution; checked first.
const ZH_PERSIST = ['没有缓解', '没缓解', '未缓解', '不缓解', '不能缓解', '没有好转', '没好转', '未好转', '不见好', '没见好', '还没好', '没好', '没有减轻', '没减轻', '不减轻', '没停', '停不下来', '一直', '越来越', '加重', '还在', '仍然', '依然'];
const ZH_RESOLVED = ['没有了', '没了', '好了', '消失了', '消失', '缓解了', '已缓解', '已经缓解', '不疼了', '不痛了', '已经好', '已好', '已经没有', '已经没'];

const EN_CUES = ['no longer', 'negative for', 'free of', "don't have", 'do not have', "doesn't have", 'does not have', "didn't have", "haven't had", 'has not had', 'have not had', 'not having', 'denies', 'denied', 'deny', 'without', 'never', 'not', 'no'];
const EN_NOT_NEGATION = ['not sure', 'not certain', 'no idea', 'not know', 'no reason', 'not stop', 'not stopping', 'never stops', 'no matter'];
const EN_PERSIST = ['not improving', 'not getting better', 'no better', "hasn't gone", 'has not gone', "won't go away", 'not going away', "hasn't improved", 'has not improved', "isn't improving", 'not improved', 'still', 'worse', 'getting worse', 'keeps', 'persist'];
const EN_RESOLVED = ['is gone', 'has gone', 'went away', 'resolved', 'has stopped', 'stopped', 'is better now', 'has settled', 'settled down', 'disappeared'];

/** [start, end) of the clause containing `pos`. */
export function clauseBounds(text: string, pos: number, end = pos): [number, number] {
  let s = 0;
  let e = text.length;
  CLAUSE_BREAK.lastIndex = 0;
  for (let m = CLAUSE_BREAK.exec(text); m; m = CLAUSE_BREAK.exec(text)) {
    const a = m.index;
    const b = m.index + m[0].length;
    if (b <= pos) s = b;
    else if (a >= end) {
      e = a;
      break;
    }
  }
  return [s, e];
}

function hasAny(hay: string, needles: readonly string[]): boolean {
  for (const n of needles) if (hay.includes(n)) return true;
  return false;
}

const EN_WORDISH = /[a-z']/;
function hasEnPhrase(hay: string, needle: string): boolean {
  let i = hay.indexOf(needle);
  while (i >= 0) {
    const before = i === 0 ? ' ' : hay[i - 1]!;
    const after = hay[i + needle.length] ?? ' ';
    if (!EN_WORDISH.test(before) && !EN_WORDISH.test(after)) return true;
    i = hay.indexOf(needle, i + 1);
  }
  return false;
}

function zhPreNegated(pre: string): boolean {
  // A cue governs only what follows closely: 没有任何胸痛 yes, 没吃早饭就胸痛 no.
  const win = pre.slice(-7);
  for (let i = win.length - 1; i >= 0; i--) {
    for (const cue of ZH_CUES) {
      if (!win.startsWith(cue, i)) continue;
      const between = win.slice(i + cue.length);
      if (between.length > 3 || /[就又才后了便]/.test(between)) continue;
      const rest = win.slice(i);
      if (ZH_NOT_NEGATION.some((w) => rest.startsWith(w))) continue;
      // A-not-A questions (有没有, 是不是, 会不会) ask; they do not deny.
      if (cue.startsWith('没') && win[i - 1] === '有') continue;
      if (i > 0 && win[i - 1] === win[i + cue.length]) continue;
      return true;
    }
  }
  return false;
}

const EN_SCOPE_END = new Set(['and', 'then', 'after', 'when', 'because', 'so', 'since', 'until']);
function enPreNegated(pre: string): boolean {
  const all = pre.trim().split(/\s+/);
  let from = 0;
  all.forEach((t, i) => {
    if (EN_SCOPE_END.has(t)) from = i + 1;
  });
  const tokens = all.slice(Math.max(from, all.length - 4)).join(' ');
  if (EN_NOT_NEGATION.some((n) => hasEnPhrase(tokens, n))) return false;
  return EN_CUES.some((c) => hasEnPhrase(tokens, c));
}

/**
 * Is the finding at [start, end) of normalised `text` negated?
 * `gaps` are the wildcard ranges of the match (胸口不疼 matched by 胸口…疼).
 */
export function polarityAt(text: string, start: number, end: number, gaps: ReadonlyArray<[number, number]> = []): Polarity {
  const [cs, ce] = clauseBounds(text, start, end);
  const pre = text.slice(cs, start);
  const post = text.slice(end, ce);
  const postWin = post.slice(0, 10);
  const enPost = post.slice(0, 40);
  if (hasAny(postWin, ZH_PERSIST) || EN_PERSIST.some((p) => hasEnPhrase(enPost, p))) return 'affirmed';
  for (const [a, b] of gaps) {
    const g = text.slice(a, b);
    if (/不|没|无|未/.test(g) && !ZH_NOT_NEGATION.some((w) => g.includes(w))) return 'negated';
  }
  if (zhPreNegated(pre) || enPreNegated(pre)) return 'negated';
  if (hasAny(postWin, ZH_RESOLVED) || EN_RESOLVED.some((p) => hasEnPhrase(enPost, p))) return 'negated';
  return 'affirmed';
}
