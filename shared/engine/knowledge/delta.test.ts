import { describe, expect, it } from 'vitest';
import { createEngine } from '../engine';
import { applyKnowledgeDelta } from './delta';
import type { KnowledgeItemInput } from './schema';
import { knowledgeItemSchema } from './schema';

const item = (id: string, word: string, text = `关于${word}的说明，具体请咨询医生。`): KnowledgeItemInput => ({
  id,
  kind: 'answer',
  topic: 'admin',
  title: { 'zh-CN': `${word}怎么办` },
  keywords: [word],
  intervention: { text: { 'zh-CN': text } },
});
const ask = (engine: ReturnType<typeof createEngine>, q: string) => engine.suggest({ draft: '', lastPatientMessages: [q], role: 'agent', now: 0 }).cards.map((c) => `${c.sourceItemId}|${c.body}`);

describe('applyKnowledgeDelta', () => {
  it('upserts new and changed items into the live index, drops removed ones, replaces the retired set, and reports invalid items', () => {
    const engine = createEngine({ items: [knowledgeItemSchema.parse(item('adm-parking', '停车')), knowledgeItemSchema.parse(item('adm-canteen', '食堂'))], interactions: { meta: { title: '', source: '', licence: '' }, interactions: [] } });
    expect(ask(engine, '停车')).toEqual(['adm-parking|关于停车的说明，具体请咨询医生。']);

    const out = applyKnowledgeDelta(engine, {
      items: [item('adm-parking', '停车', '地下停车场前30分钟免费。'), item('adm-roof-garden', '屋顶花园'), { id: 'Bad Id', kind: 'answer' }],
      removed: ['adm-canteen'],
      retired: [],
    });
    expect(out.upserted).toEqual(['adm-parking', 'adm-roof-garden']);
    expect(out.removed).toEqual(['adm-canteen']);
    expect(out.invalid).toHaveLength(1);
    expect(ask(engine, '停车')).toEqual(['adm-parking|地下停车场前30分钟免费。']);
    expect(ask(engine, '屋顶花园')).toEqual(['adm-roof-garden|关于屋顶花园的说明，具体请咨询医生。']);
    expect(ask(engine, '食堂')).toEqual([]);
    expect(engine.size).toBe(2);

    applyKnowledgeDelta(engine, { items: [], removed: [], retired: ['adm-parking'] });
    expect(ask(engine, '停车')).toEqual([]);
    // An id both re-added and listed as removed stays (the item wins).
    expect(applyKnowledgeDelta(engine, { items: [item('adm-canteen', '食堂')], removed: ['adm-canteen'], retired: [] }).removed).toEqual([]);
    expect(ask(engine, '停车')).toHaveLength(1);
    expect(ask(engine, '食堂')).toHaveLength(1);
  });
});
