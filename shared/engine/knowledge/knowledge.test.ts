import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatLoadError, loadKnowledge, loadKnowledgeFiles } from './load';
import { evaluateTrigger, latestReadings, patientFacts, premiseFactor } from './match';
import type { KnowledgeItem } from './schema';

const dir = new URL('../../../resources/knowledge/', import.meta.url);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.jsonl'))
  .map((name) => ({ name, text: readFileSync(new URL(name, dir), 'utf8') }));
const all = loadKnowledgeFiles(files);

describe('the shipped knowledge base', () => {
  it('loads without errors and is large enough', () => {
    expect(all.errors.map(formatLoadError)).toEqual([]);
    expect(all.items.length).toBeGreaterThanOrEqual(200);
    expect(all.items.filter((i) => i.intervention.text.en).length).toBeGreaterThanOrEqual(50);
  });
  it('covers every required area, including each administrative topic', () => {
    const topics = new Set(all.items.map((i) => i.topic));
    for (const t of ['diabetes', 'hypertension', 'postop', 'medicine', 'admin']) expect(topics).toContain(t);
    const text = all.items.map((i) => `${i.title['zh-CN']} ${i.keywords.join(' ')}`).join('\n');
    for (const w of ['挂号', '报告', '医保', '改约', '住院', '缴费', '病历复印', '停车']) expect(text).toContain(w);
  });
  it('clinical guidance ends by referring to a doctor, pharmacist or emergency care', () => {
    const clinical = all.items.filter((i) => i.topic !== 'admin' && i.kind === 'guidance');
    const missing = clinical.filter((i) => !/(医生|药师|就医|急诊|120|就诊|复诊|医护人员|临床人员|门诊|热线|处置)[^。]*。?$/.test(i.intervention.text['zh-CN'].slice(-60)));
    expect(missing.map((i) => i.id)).toEqual([]);
  });
  it('never promises a cure', () => {
    const bad = all.items.filter((i) => /保证治好|包治|100%有效|根治[^”"]/.test(i.intervention.text['zh-CN'].replace(/“[^”]*”/g, '')));
    expect(bad.map((i) => i.id)).toEqual([]);
  });
});

describe('loadKnowledge errors', () => {
  const good = '{"id":"a-1","kind":"answer","topic":"admin","title":{"zh-CN":"挂号"},"intervention":{"text":{"zh-CN":"到窗口挂号"}}}';
  it('reports JSON syntax errors with line numbers', () => {
    const r = loadKnowledge(`${good}\n\n{"id": "b",\n`, 'admin.jsonl');
    expect(r.items).toHaveLength(1);
    expect(r.errors).toHaveLength(1);
    expect(formatLoadError(r.errors[0]!)).toMatch(/^admin\.jsonl:3: invalid JSON/);
  });
  it('reports schema errors by path, line and id, in plain words', () => {
    const r = loadKnowledge(
      [good, '// a comment line', '{"id":"b-2","kind":"answer","topic":"admin","title":{"zh-CN":"x"},"premise":{"conditions":["diabetis"]},"intervention":{"text":{}}}'].join('\n'),
      'x.jsonl',
    );
    const msg = r.errors.map(formatLoadError).join('\n');
    expect(msg).toMatch(/^x\.jsonl:3 \(b-2\): /);
    expect(msg).toContain('premise.conditions.0: unknown condition "diabetis"');
    expect(msg).toContain('intervention.text.zh-CN');
  });
  it('rejects duplicate ids and unknown fields', () => {
    const r = loadKnowledge(`${good}\n${good}\n${good.replace('"a-1"', '"a-2"').replace('"kind"', '"knd":1,"kind"')}`, 'd.jsonl');
    expect(r.errors.map(formatLoadError)).toEqual([expect.stringMatching(/d\.jsonl:2 \(a-1\): duplicate id \(first defined on line 1\)/), expect.stringMatching(/d\.jsonl:3 \(a-2\): .*knd/)]);
  });
  it('accepts a JSON array file and gives each item its own line', () => {
    const text = `[\n  ${good},\n  ${good.replace('"a-1"', '"a-2"').replace('"admin"', '"nope"')}\n]`;
    const r = loadKnowledge(text, 'k.json');
    expect(r.items).toHaveLength(1);
    expect(formatLoadError(r.errors[0]!)).toMatch(/^k\.json:3 \(a-2\): topic:/);
    expect(loadKnowledge('[\n{"id": }\n]', 'bad.json').errors[0]?.line).toBe(2);
  });
});

describe('premise and trigger', () => {
  const byId = (id: string) => all.items.find((i) => i.id === id) as KnowledgeItem;
  const now = Date.UTC(2026, 0, 10);
  it('excludes on a known age or sex mismatch, demotes on a missing condition', () => {
    const infant = byId('gen-infant-fever');
    expect(premiseFactor(infant, patientFacts({ age: 45 }, now))).toBe(0);
    expect(premiseFactor(infant, patientFacts({ age: 0.2 }, now))).toBeGreaterThan(1);
    expect(premiseFactor(byId('po-csection'), patientFacts({ sex: 'male' }, now))).toBe(0);
    const dm = byId('dm-hypo-mild');
    expect(premiseFactor(dm, patientFacts({ conditions: ['2型糖尿病'] }, now))).toBeGreaterThan(premiseFactor(dm, patientFacts({ conditions: ['高血压'] }, now)));
  });
  it('matches medicines by brand name and by class', () => {
    const statin = byId('med-statin-muscle');
    expect(premiseFactor(statin, patientFacts({ medicines: ['立普妥 20mg'] }, now))).toBeGreaterThan(1);
    expect(premiseFactor(statin, patientFacts({ medicines: ['二甲双胍'] }, now))).toBeLessThan(1);
  });
  it('fires reading triggers (glucose < 3.9) and windows days since surgery', () => {
    const hypo = byId('dm-hypo-mild');
    const ctx = (v: number) => ({ norm: '', intents: new Set<string>(), latest: latestReadings([{ kind: 'glucose', value: v, at: now - 60_000 }], now) });
    expect(evaluateTrigger(hypo, ctx(3.2), patientFacts({}, now)).byReading).toBe(true);
    expect(evaluateTrigger(hypo, ctx(6.1), patientFacts({}, now)).byReading).toBe(false);
    const stale = { norm: '', intents: new Set<string>(), latest: latestReadings([{ kind: 'glucose', value: 3.0, at: now - 3 * 86_400_000 }], now) };
    expect(evaluateTrigger(hypo, stale, patientFacts({}, now)).byReading).toBe(false);
    const dvt = byId('po-dvt');
    const c = { norm: '小腿肿', intents: new Set<string>(), latest: new Map() };
    const early = evaluateTrigger(dvt, c, patientFacts({ surgeryAt: now - 5 * 86_400_000 }, now));
    const late = evaluateTrigger(dvt, c, patientFacts({ surgeryAt: now - 200 * 86_400_000 }, now));
    expect(early.factor).toBeGreaterThan(late.factor);
    expect(early.reasons).toContain('days_since_surgery');
  });
});
