import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { createEngine, type SuggestInput } from './engine';
import { loadInteractions } from './drugs/interactions';
import { loadKnowledgeFiles } from './knowledge/load';
import { cardSchema } from './types';

const dir = new URL('../../resources/knowledge/', import.meta.url);
const { items } = loadKnowledgeFiles(readdirSync(dir).filter((f) => f.endsWith('.jsonl')).map((name) => ({ name, text: readFileSync(new URL(name, dir), 'utf8') })));
const { table } = loadInteractions(readFileSync(new URL('interactions.json', dir), 'utf8'));
const now = Date.UTC(2026, 4, 1, 9);
const base: SuggestInput = { draft: '', lastPatientMessages: [], role: 'agent', now };
const engine = createEngine({ items, interactions: table });
const run = (over: Partial<SuggestInput>) => engine.suggest({ ...base, ...over });

describe('engine.suggest', () => {
  it('answers an administrative question with the right card, citing its item', () => {
    const r = run({ lastPatientMessages: ['你好，请问医保卡在门诊能用吗？'] });
    expect(r.cards[0]?.sourceItemId).toBe('adm-insurance-outpatient');
    expect(r.cards[0]?.kind).toBe('answer');
    expect(r.cards[0]?.actions.some((a) => a.type === 'suggest_reply')).toBe(true);
    for (const c of r.cards) expect(cardSchema.parse(c)).toEqual(c);
  });
  it('finds cards for 1–2 character queries typed by the agent', () => {
    for (const q of ['挂号', '医保', '胰岛素', '缴费', '停车']) expect(run({ draft: q }).cards.length, q).toBeGreaterThan(0);
  });
  it('red flags sort first and survive any card limit', () => {
    const r = run({ lastPatientMessages: ['我心口疼，出冷汗，血糖2.6'], patient: { conditions: ['2型糖尿病'], medicines: ['格列美脲'] }, limit: 1 });
    expect(r.cards.map((c) => c.kind).slice(0, 2)).toEqual(['red_flag', 'red_flag']);
    expect(r.cards.map((c) => c.sourceItemId)).toEqual(['redflag:chest_pain', 'redflag:severe_hypoglycemia']);
    expect(r.cards[0]?.actions).toContainEqual({ type: 'suggest_reply', text: '请立即拨打120 或前往最近的急诊。' });
    expect(r.redFlags.map((f) => f.id)).toEqual(['chest_pain', 'severe_hypoglycemia']);
  });
  it('negated symptoms raise nothing', () => {
    expect(run({ lastPatientMessages: ['没有胸痛，就是想问下复查时间'] }).redFlags).toEqual([]);
  });
  it('checks interactions between the medicine list, the message and the draft', () => {
    const r = run({ lastPatientMessages: ['牙疼得厉害，家里有芬必得能吃吗'], patient: { medicines: ['华法林钠片 3mg'] } });
    const card = r.cards.find((c) => c.kind === 'interaction');
    expect(card?.sourceItemId).toBe('interaction:warfarin-nsaid');
    expect(card?.body).toMatch(/医生或药师。$/);
    const viaDraft = run({ draft: '可以先吃点布洛芬', patient: { medicines: ['华法林'] } });
    expect(viaDraft.cards.some((c) => c.sourceItemId === 'interaction:warfarin-nsaid')).toBe(true);
    expect(viaDraft.compliance.map((h) => h.ruleId)).toContain('prescription');
  });
  it('uses device readings and the patient profile', () => {
    const r = run({ lastPatientMessages: ['有点心慌手抖'], readings: [{ kind: 'glucose', value: 3.4, at: now - 5 * 60_000 }], patient: { conditions: ['糖尿病'], medicines: ['诺和锐'] } });
    expect(r.cards.find((c) => c.kind === 'guidance')?.sourceItemId).toBe('dm-hypo-mild');
    const infant = run({ lastPatientMessages: ['孩子发烧了'], patient: { age: 35 } });
    expect(infant.cards.map((c) => c.sourceItemId)).not.toContain('gen-infant-fever');
  });
  it('post-op questions use days since surgery', () => {
    const r = run({ lastPatientMessages: ['小腿有点肿，有点疼'], patient: { surgeryAt: now - 6 * 86_400_000 } });
    expect(r.cards[0]?.sourceItemId).toBe('po-dvt');
  });
  it('answers English questions in English from the zh-CN library', () => {
    const r = run({ lastPatientMessages: ['Where can I park my car?'] });
    expect(r.cards[0]?.sourceItemId).toBe('adm-transport-parking');
    expect(r.cards[0]?.title).toBe('Parking at the hospital');
  });
  it('lints the draft and adds tone advice', () => {
    const r = run({ lastPatientMessages: ['怎么办怎么办，血糖一直降不下来，急死了！！！'], draft: '你这是糖尿病，这个药保证治好', readings: [{ kind: 'heart_rate', value: 118, at: now - 60_000 }] });
    expect(r.compliance.filter((h) => h.severity === 'block').map((h) => h.ruleId)).toEqual(['diagnosis', 'cure_promise']);
    expect(r.cards.filter((c) => c.kind === 'tone').map((c) => c.sourceItemId).sort()).toEqual(['tone:calm', 'tone:short']);
    expect(r.sentiment.summary.anxious).toBe(true);
  });
  it('supports incremental updates and retirement', () => {
    const e = createEngine({ items, interactions: table });
    const q = { ...base, lastPatientMessages: ['病历复印要带什么'] };
    expect(e.suggest(q).cards[0]?.sourceItemId).toBe('adm-records-copy');
    e.setRetired(['adm-records-copy']);
    expect(e.suggest(q).cards.map((c) => c.sourceItemId)).not.toContain('adm-records-copy');
    e.setRetired([]);
    e.remove(['adm-records-copy']);
    expect(e.suggest(q).cards.map((c) => c.sourceItemId)).not.toContain('adm-records-copy');
    e.upsert([{ ...items.find((i) => i.id === 'adm-records-copy')!, title: { 'zh-CN': '病历复印（新版）' } }]);
    expect(e.suggest(q).cards[0]?.title).toBe('病历复印（新版）');
  });
  it('is fast enough per keystroke', () => {
    const msgs = ['医生你好，我妈妈做完胆囊手术第5天，伤口有点红，还在吃华法林，能不能吃布洛芬止痛？'];
    const draft = '您好，关于伤口和止痛药的问题，我先帮您查一下，请稍等';
    const times: number[] = [];
    for (let i = 1; i <= draft.length; i++) {
      const t = performance.now();
      engine.suggest({ ...base, lastPatientMessages: msgs, draft: draft.slice(0, i), patient: { medicines: ['华法林'], surgeryAt: now - 5 * 86_400_000 } });
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    expect(times[Math.floor(times.length * 0.95)]).toBeLessThan(15);
  });
});

describe('conversational filler', () => {
  it('"谢谢医生" or "好的" surfaces no knowledge card', () => {
    for (const m of ['谢谢医生', '好的，收到', '您好，在吗', 'ok thanks doctor']) {
      expect(run({ lastPatientMessages: [m] }).cards.filter((c) => c.kind === 'answer' || c.kind === 'guidance'), m).toEqual([]);
    }
  });
});
