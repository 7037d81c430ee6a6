import { describe, expect, it } from 'vitest';
import { foldWidth, normalize, guessLanguage } from './normalize';
import { words } from './segment';
import { findConcepts } from './conceptMatch';
import { polarityAt } from './negation';
import { extractReadings } from './readings';

// Seeded PRNG (mulberry32) for property-style tests; fast-check is not on shared/'s allow-list.
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ids = (s: string) => findConcepts(normalize(s)).map((h) => h.id);
function polarityOf(text: string, concept: string) {
  const n = normalize(text);
  const hit = findConcepts(n).find((h) => h.id === concept);
  if (!hit) throw new Error(`no ${concept} in ${text}`);
  return polarityAt(n, hit.start, hit.end, hit.gaps);
}

describe('normalize', () => {
  it('folds full-width ASCII, case and traditional script', () => {
    expect(foldWidth('ＢＰ１８０／１１０　ｍｍＨｇ？')).toBe('BP180/110 mmHg?');
    expect(normalize('醫生，我的血糖很高，頭暈，請問掛號在哪裡？')).toBe('医生,我的血糖很高,头晕,请问挂号在哪里?');
    expect(normalize('My SUGAR is HIGH')).toBe('my sugar is high');
    expect(normalize('我好著急')).toBe('我好着急');
  });
  it('never changes length (spans stay valid in the original)', () => {
    const pool = [...'aZ09 ，。？！ＡＢ１２　醫藥頭髮乾燥著急後裡面İẞﬁ😊🙏①℃'];
    const r = rng(7);
    for (let run = 0; run < 300; run++) {
      const s = Array.from({ length: Math.floor(r() * 30) }, () => pool[Math.floor(r() * pool.length)]).join('');
      expect(normalize(s)).toHaveLength(s.length);
    }
    const trad = '這個藥劑師說隻要頭髮乾燥就擦藥膏';
    expect(normalize(trad)).toHaveLength(trad.length);
  });
  it('guesses the language', () => {
    expect(guessLanguage('我血糖高 BP 160')).toBe('zh-CN');
    expect(guessLanguage('my sugar is 18 today')).toBe('en');
  });
});

describe('segmentation (Intl.Segmenter)', () => {
  it('splits colloquial medical Chinese into words', () => {
    const w = words('我心口疼，血糖高怎么办？胰岛素打完拉肚子');
    expect(w).toContain('胰岛素');
    expect(w).toContain('血糖');
    expect(w).toContain('拉肚子');
  });
});

describe('synonym table', () => {
  it('maps colloquial zh to the same concept as the clinical term', () => {
    expect(ids('心口疼得厉害')).toContain('chest_pain');
    expect(ids('胸痛')).toContain('chest_pain');
    expect(ids('血糖有点高')).toContain('hyperglycemia');
    expect(ids('高血糖')).toContain('hyperglycemia');
    expect(ids('昨天开始拉肚子')).toContain('diarrhea');
    expect(ids('走两步就喘不上气')).toContain('dyspnea');
    expect(ids('呼吸困难')).toContain('dyspnea');
  });
  it('maps English colloquialisms, on word boundaries only', () => {
    expect(ids('my sugar is high again')).toEqual(expect.arrayContaining(['glucose', 'hyperglycemia']));
    expect(ids('I am short of breath')).toContain('dyspnea');
    expect(ids('sugary drinks')).not.toContain('glucose');
  });
  it('finds intents for administrative questions', () => {
    expect(ids('怎么挂号')).toContain('intent_registration');
    expect(ids('医保能报销吗')).toContain('intent_insurance');
    expect(ids('想把周三的预约改到下周')).toContain('intent_reschedule');
    expect(ids('停车场在哪')).toContain('intent_transport');
  });
});

describe('negation', () => {
  it.each([
    ['没有胸痛', 'chest_pain'],
    ['我不胸痛，就是有点累', 'chest_pain'],
    ['胸口不疼了', 'chest_pain'],
    ['否认胸痛', 'chest_pain'],
    ['现在胸痛已经好了', 'chest_pain'],
    ['no chest pain today', 'chest_pain'],
    ['Patient denies chest pain', 'chest_pain'],
    ['my chest pain has gone', 'chest_pain'],
    ['最近没有拉肚子', 'diarrhea'],
  ])('%s → negated', (text, c) => expect(polarityOf(text, c)).toBe('negated'));

  it.each([
    ['胸痛没有缓解', 'chest_pain'],
    ['吃了药胸痛还是没好', 'chest_pain'],
    ['胸口一直疼', 'chest_pain'],
    ['心口疼得厉害', 'chest_pain'],
    ['没吃早饭就胸痛', 'chest_pain'],
    ['不知道是不是胸痛', 'chest_pain'],
    ['没有发烧，但是胸痛', 'chest_pain'],
    ['有没有可能是胸痛引起的', 'chest_pain'],
    ['chest pain not improving after rest', 'chest_pain'],
    ["I'm not sure if it's chest pain", 'chest_pain'],
    ['no fever but chest pain since morning', 'chest_pain'],
    ['无明显诱因胸痛两小时', 'chest_pain'],
  ])('%s → affirmed', (text, c) => expect(polarityOf(text, c)).toBe('affirmed'));
});

describe('readings typed in messages', () => {
  const r = (s: string) => extractReadings(normalize(s)).map((x) => `${x.kind}=${x.value}`);
  it('parses glucose, BP, heart rate, temperature and SpO2', () => {
    expect(r('今天早上血糖2.8，手抖出汗')).toEqual(['glucose=2.8']);
    expect(r('血压185/115，头很痛')).toEqual(['systolic=185', 'diastolic=115']);
    expect(r('高压182 低压112')).toEqual(['systolic=182', 'diastolic=112']);
    expect(r('宝宝发烧38.5度')).toEqual(['temperature=38.5']);
    expect(r('my sugar was 320 mg/dl')).toEqual(['glucose=17.8']);
    expect(r('心率118，血氧89%')).toEqual(['heart_rate=118', 'spo2=89']);
    expect(r('ＢＰ　１９０／１２０')).toEqual(['systolic=190', 'diastolic=120']);
  });
  it('does not take a threshold for a measurement', () => {
    expect(r('设备告警：连续 3 个时间窗血糖低于 3.9 mmol/L')).toEqual([]);
    expect(r('血糖高于13.9要复查')).toEqual([]);
    expect(r('glucose below 70 mg/dl is low')).toEqual([]);
    expect(r('心率超过100就要说')).toEqual([]);
    expect(r('血糖3.2，低于3.9了')).toEqual(['glucose=3.2']);
  });
  it('ignores counts and doses', () => {
    expect(r('血糖测了3次都还行')).toEqual([]);
    expect(r('胰岛素打了8个单位')).toEqual([]);
  });
});
