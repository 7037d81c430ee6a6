import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalize } from '../text/normalize';
import { checkInteractions, loadInteractions } from './interactions';
import { DRUGS } from './lexicon';
import { drugsInList, findDrugs } from './recognize';

const text = readFileSync(new URL('../../../resources/knowledge/interactions.json', import.meta.url), 'utf8');
const { table, errors } = loadInteractions(text);
const pairs = (drugs: string[]) => checkInteractions(drugs, table).map((f) => f.interaction.id);
const inMsg = (s: string) => findDrugs(normalize(s)).filter((m) => !m.negated).map((m) => m.drugId);

describe('drug recognition', () => {
  it('recognises generic, brand and English names', () => {
    expect(inMsg('我在吃拜阿司匹灵，今天牙疼想吃芬必得')).toEqual(['aspirin', 'ibuprofen']);
    expect(inMsg('格华止和波立维一起吃可以吗')).toEqual(['metformin', 'clopidogrel']);
    expect(inMsg('Can I take Advil with my warfarin?')).toEqual(['ibuprofen', 'warfarin']);
    expect(inMsg('醫生說華法林要繼續吃')).toEqual(['warfarin']);
  });
  it('skips negated mentions (not being taken)', () => {
    expect(inMsg('我没有吃阿司匹林，只吃了二甲双胍')).toEqual(['metformin']);
  });
  it('reads a free-text medicine list', () => {
    expect(drugsInList(['拜阿司匹灵 100mg qd', 'Lipitor 20 mg', '诺和锐笔芯'])).toEqual(['aspirin', 'atorvastatin', 'insulin']);
  });
  it('does not fire on ordinary words', () => {
    expect(inMsg('请定期复查，可定期到门诊')).toEqual([]);
    expect(inMsg('打针前用酒精消毒')).toEqual([]);
  });
});

describe('interaction table', () => {
  it('loads clean, with source and licence recorded', () => {
    expect(errors).toEqual([]);
    expect(table.meta.source).toMatch(/Lantern team/);
    expect(table.meta.licence).toMatch(/own licence/);
    expect(table.interactions.length).toBeGreaterThanOrEqual(28);
  });
  it('every guidance ends with a referral to a doctor or pharmacist', () => {
    for (const it of table.interactions) {
      expect(it.guidance['zh-CN'], it.id).toMatch(/(医生|药师)[^。]*。$/);
      expect(it.guidance.en, it.id).toMatch(/(doctor|pharmacist)[^.]*\.$/);
    }
  });
  it('every class and drug it names exists in the lexicon', () => {
    const known = new Set(DRUGS.flatMap((d) => [d.id, ...d.classes]));
    for (const it of table.interactions) expect(known.has(it.a) && known.has(it.b), it.id).toBe(true);
  });
  it('reports line-free readable errors for bad data', () => {
    const bad = loadInteractions(JSON.stringify({ meta: table.meta, interactions: [{ id: 'x', a: 'unobtainium', b: 'aspirin', severity: 'major', title: { 'zh-CN': 't' }, guidance: { 'zh-CN': 'g' } }] }), 'x.json');
    expect(bad.errors.join('\n')).toMatch(/x\.json: interactions\.0\.a: unknown drug or class "unobtainium"/);
    expect(loadInteractions('{', 'y.json').errors[0]).toMatch(/^y\.json: invalid JSON/);
  });
});

describe('interaction checks', () => {
  it.each([
    [['aspirin', 'ibuprofen'], 'aspirin-ibuprofen'],
    [['warfarin', 'ibuprofen'], 'warfarin-nsaid'],
    [['warfarin', 'celecoxib'], 'warfarin-nsaid'],
    [['metformin', 'iodinated_contrast'], 'metformin-contrast'],
    [['warfarin', 'amiodarone'], 'warfarin-amiodarone'],
    [['clopidogrel', 'omeprazole'], 'clopidogrel-omeprazole'],
    [['enalapril', 'spironolactone'], 'acei-ksparing'],
    [['simvastatin', 'clarithromycin'], 'simvastatin-clarithromycin'],
    [['sertraline', 'tramadol'], 'ssri-tramadol'],
    [['sildenafil', 'nitroglycerin'], 'pde5-nitrate'],
    [['insulin', 'alcohol'], 'insulin-alcohol'],
    [['gliclazide', 'alcohol'], 'sulfonylurea-alcohol'],
  ])('%j → %s', (drugs, id) => expect(pairs(drugs)).toContain(id));

  it('sorts contraindicated before major before moderate', () => {
    const sev = checkInteractions(['simvastatin', 'clarithromycin', 'warfarin', 'amlodipine'], table).map((f) => f.interaction.severity);
    expect(sev[0]).toBe('contraindicated');
    expect([...sev].sort((a, b) => ['contraindicated', 'major', 'moderate', 'minor'].indexOf(a) - ['contraindicated', 'major', 'moderate', 'minor'].indexOf(b))).toEqual(sev);
  });
  it('finds the pair end-to-end from a patient message plus a medicine list', () => {
    const meds = drugsInList(['华法林 3mg']);
    const msg = inMsg('牙疼得厉害，家里有芬必得能吃吗？');
    expect(pairs([...meds, ...msg])).toEqual(['warfarin-nsaid']);
  });
  it('no interaction for a drug with itself or unrelated drugs', () => {
    expect(pairs(['aspirin'])).toEqual([]);
    expect(pairs(['amlodipine', 'metformin'])).toEqual([]);
  });
});
