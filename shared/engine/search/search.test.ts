import { describe, expect, it } from 'vitest';
import { Bm25Index } from './bm25';
import { indexTerms, queryTerms } from './analyze';

// Seeded PRNG (mulberry32) for property-style tests; fast-check is not on shared/'s allow-list.
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function corpus() {
  const ix = new Bm25Index();
  ix.add('reg', { title: '如何预约挂号', keys: '挂号 预约 号源 专家号', body: '可通过医院公众号、自助机或人工窗口挂号，专家号一般提前7天放号。' });
  ix.add('ins', { title: '医保报销怎么办理', keys: '医保 报销 异地就医', body: '门诊就诊时出示医保电子凭证或社保卡即可直接结算。' });
  ix.add('insulin', { title: '胰岛素注射部位轮换', keys: '胰岛素 注射 打针', body: '腹部、大腿外侧、上臂外侧轮换注射，避开硬结。' });
  ix.add('hyper', { title: '血糖偏高怎么办', keys: '高血糖 血糖高', body: '多次测得血糖明显升高时，记录数值并联系医生调整方案。' });
  ix.add('chest', { title: '胸痛的处理', keys: '胸痛', body: '持续胸痛应立即就医。' });
  ix.add('park', { title: 'Parking and directions', keys: 'parking 停车', body: 'The underground car park entrance is on the east side.' });
  return ix;
}

describe('analysis', () => {
  it('indexes Chinese as unigrams + bigrams (+ long words) and adds synonym concepts', () => {
    const t = indexTerms('心口疼');
    expect(t).toEqual(expect.arrayContaining(['心', '口', '疼', '心口', '口疼', '#chest_pain']));
    expect(indexTerms('打了胰岛素')).toContain('胰岛素');
  });
  it('falls back to unigrams only for unknown bigrams', () => {
    const known = new Set(['挂号']);
    const q = queryTerms('挂号', (t) => known.has(t)).map((x) => x.term);
    expect(q).toContain('挂号');
    expect(q).not.toContain('挂');
    expect(queryTerms('挂x号', () => false).map((x) => x.term)).toEqual(expect.arrayContaining(['挂', '号']));
  });
});

describe('BM25 index', () => {
  it('finds 1–2 character Chinese queries', () => {
    const ix = corpus();
    expect(ix.search('挂号')[0]?.id).toBe('reg');
    expect(ix.search('医保')[0]?.id).toBe('ins');
    expect(ix.search('胰岛素')[0]?.id).toBe('insulin');
    expect(ix.search('挂').map((h) => h.id)).toContain('reg');
    expect(ix.search('保').map((h) => h.id)).toContain('ins');
  });
  it('ranks colloquial phrasing to the clinical item through synonyms', () => {
    const ix = corpus();
    expect(ix.search('我心口疼得厉害')[0]?.id).toBe('chest');
    expect(ix.search('血糖有点高咋办')[0]?.id).toBe('hyper');
    expect(ix.search('my sugar is high')[0]?.id).toBe('hyper');
  });
  it('prefers a title match over a body match', () => {
    const ix = new Bm25Index();
    ix.add('a', { title: '缴费', keys: '', body: '其他内容' });
    ix.add('b', { title: '其他', keys: '', body: '缴费说明' });
    expect(ix.search('缴费').map((h) => h.id)).toEqual(['a', 'b']);
  });
  it('expands the English word being typed', () => {
    expect(corpus().search('where is the park')[0]?.id).toBe('park');
    expect(corpus().search('parki')[0]?.id).toBe('park');
  });
  it('supports incremental update and removal', () => {
    const ix = corpus();
    ix.add('reg', { title: '门诊时间', keys: '', body: '周一至周五' });
    expect(ix.search('挂号').map((h) => h.id)).not.toContain('reg');
    expect(ix.search('门诊时间')[0]?.id).toBe('reg');
    expect(ix.remove('reg')).toBe(true);
    expect(ix.search('门诊时间').map((h) => h.id)).not.toContain('reg');
    expect(ix.size).toBe(5);
    expect(ix.knows('周一')).toBe(false);
    expect(ix.knows('门诊')).toBe(true); // still in the 医保 item's body
  });
  it('accept() filters (retired items) without losing the limit', () => {
    const ix = corpus();
    const r = ix.search('血糖 胰岛素 挂号', { limit: 2, accept: (id) => id !== 'insulin' });
    expect(r).toHaveLength(2);
    expect(r.map((h) => h.id)).not.toContain('insulin');
  });
  it('property: add-then-remove leaves results as if never added; compaction keeps results', () => {
    const chars = [...'挂号医保血糖胰岛素停车缴费'];
    const r = rng(42);
    for (let run = 0; run < 60; run++) {
      const titles = Array.from({ length: 1 + Math.floor(r() * 30) }, () => Array.from({ length: 1 + Math.floor(r() * 6) }, () => chars[Math.floor(r() * chars.length)]).join(''));
      {
        const a = new Bm25Index({ analyze: { words: false } });
        const b = new Bm25Index({ analyze: { words: false } });
        titles.forEach((t, i) => {
          a.add(`d${i}`, { title: t, keys: '', body: '' });
          b.add(`d${i}`, { title: t, keys: '', body: '' });
          b.add(`x${i}`, { title: `${t}医保`, keys: '', body: '' });
        });
        titles.forEach((_, i) => b.remove(`x${i}`));
        const q = titles[0]!;
        const ra = a.search(q, { limit: 50 }).map((h) => `${h.id}:${h.score.toFixed(6)}`);
        const rb = b.search(q, { limit: 50 }).map((h) => `${h.id}:${h.score.toFixed(6)}`);
        expect(rb).toEqual(ra);
      }
    }
  });
});
