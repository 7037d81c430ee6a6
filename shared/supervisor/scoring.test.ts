import { describe, expect, it } from 'vitest';
import { DEFAULT_QA_FORM, qaFormDraftSchema, questionsOf, type QaFormDraft } from './forms';
import { compareReviews, qaAnswerSchema, scoreReview, ScoringError, validateSubmission, type QaAnswerInput } from './scoring';

const L = (s: string) => ({ 'zh-CN': s });
/** Four questions, weights 10/20/30/40 — easy to check by hand. */
const FORM: QaFormDraft = {
  id: 'worked',
  name: L('示例'),
  sections: [
    {
      id: 'a',
      title: L('A'),
      questions: [
        { id: 'q1', title: L('q1'), weight: 10, max: 1, autoFail: false, allowNa: false },
        { id: 'q2', title: L('q2'), weight: 20, max: 5, autoFail: false, allowNa: false },
      ],
    },
    {
      id: 'b',
      title: L('B'),
      questions: [
        { id: 'q3', title: L('q3'), weight: 30, max: 1, autoFail: false, allowNa: true },
        { id: 'q4', title: L('q4'), weight: 40, max: 1, autoFail: true, allowNa: false },
      ],
    },
  ],
};
const ans = (list: [string, number | 'na'][]) => list.map(([questionId, value]) => qaAnswerSchema.parse({ questionId, value }));

describe('QA scoring', () => {
  it('weights each answer by points/max (worked example)', () => {
    // q1 1/1·10 = 10; q2 3/5·20 = 12; q3 1/1·30 = 30; q4 1/1·40 = 40 → 92 / 100
    const r = scoreReview(FORM, ans([['q1', 1], ['q2', 3], ['q3', 1], ['q4', 1]]));
    expect(r.score).toBe(92);
    expect(r.autoFailed).toBe(false);
    expect(r.sections).toEqual([
      { id: 'a', score: 73.3, earned: 22, possible: 30 }, // 22/30
      { id: 'b', score: 100, earned: 70, possible: 70 },
    ]);
  });

  it('leaves N/A out of the denominator', () => {
    // q3 N/A: earned 10 + 12 + 40 = 62 of 10 + 20 + 40 = 70 → 88.6 (not 62 of 100)
    const r = scoreReview(FORM, ans([['q1', 1], ['q2', 3], ['q3', 'na'], ['q4', 1]]));
    expect(r.score).toBe(88.6);
    expect(r.possible).toBe(70);
    expect(r.sections[1]).toEqual({ id: 'b', score: 100, earned: 40, possible: 40 });
  });

  it('makes the whole score 0 when an auto-fail item fails, but keeps section scores', () => {
    const r = scoreReview(FORM, ans([['q1', 1], ['q2', 5], ['q3', 1], ['q4', 0]]));
    expect(r.score).toBe(0);
    expect(r.autoFailed).toBe(true);
    expect(r.autoFailItems).toEqual(['q4']);
    expect(r.sections[0]!.score).toBe(100);
    expect(r.sections[1]!.score).toBe(42.9); // 30 of 70
  });

  it('answers null when everything scorable is N/A, and lists missing answers', () => {
    const naForm: QaFormDraft = { ...FORM, sections: [{ id: 's', title: L('s'), questions: [{ id: 'x', title: L('x'), weight: 5, max: 1, autoFail: false, allowNa: true }] }] };
    expect(scoreReview(naForm, ans([['x', 'na']])).score).toBeNull();
    expect(scoreReview(FORM, ans([['q1', 1]])).missing).toEqual(['q2', 'q3', 'q4']);
  });

  it('refuses N/A where not allowed, points beyond max and unknown questions', () => {
    expect(() => scoreReview(FORM, ans([['q1', 'na']]))).toThrow(ScoringError);
    expect(() => scoreReview(FORM, ans([['q2', 6]]))).toThrow(/out_of_range/);
    expect(() => scoreReview(FORM, ans([['zz', 1]]))).toThrow(/unknown_question/);
  });

  it('requires every answer and a comment for every override of the pre-score', () => {
    const full: QaAnswerInput[] = [
      { questionId: 'q1', value: 1, auto: 1 },
      { questionId: 'q2', value: 2, auto: 4 },
      { questionId: 'q3', value: 'na', auto: 'na' },
      { questionId: 'q4', value: 1 },
    ];
    const parse = (l: QaAnswerInput[]) => l.map((a) => qaAnswerSchema.parse(a));
    expect(() => validateSubmission({ ...FORM }, parse(full.slice(0, 3)))).toThrow(/missing: q4/);
    expect(() => validateSubmission({ ...FORM }, parse(full))).toThrow(/comment_required: q2/);
    full[1] = { ...full[1]!, comment: '患者情绪激动时回复偏短，扣分' };
    const r = validateSubmission({ ...FORM }, parse(full));
    // 10 + 20·2/5 = 8 + 40 = 58 of 70 → 82.9
    expect(r.score).toBe(82.9);
  });

  it('compares two reviewers question by question', () => {
    const a = ans([['q1', 1], ['q2', 3], ['q3', 'na'], ['q4', 1]]);
    const b = ans([['q1', 1], ['q2', 5], ['q3', 'na'], ['q4', 0]]);
    const c = compareReviews(FORM, a, b);
    expect(c.rows.map((r) => r.agree)).toEqual([true, false, true, false]);
    expect(c.agreement).toBe(50);
    expect(c.scoreA).toBe(88.6);
    expect(c.scoreB).toBe(0);
    expect(c.delta).toBe(88.6);
  });

  it('ships a valid default clinical form whose safety items are auto-fail', () => {
    const f = qaFormDraftSchema.parse(DEFAULT_QA_FORM);
    const qs = questionsOf(f);
    expect(qs.map((q) => q.id)).toEqual(['identity', 'consent', 'redflag', 'minimum', 'empathy', 'accuracy', 'resolution', 'first_response', 'response_times']);
    expect(qs.filter((q) => q.autoFail).map((q) => q.id)).toEqual(['identity', 'consent', 'redflag', 'minimum']);
    expect(qs.every((q) => q.auto)).toBe(true);
    expect(qs.reduce((s, q) => s + q.weight, 0)).toBe(100);
  });

  it('rejects a form with duplicate question ids', () => {
    const dup = { ...FORM, sections: [FORM.sections[0]!, { ...FORM.sections[1]!, questions: [{ ...FORM.sections[1]!.questions[0]!, id: 'q1' }] }] };
    expect(qaFormDraftSchema.safeParse(dup).success).toBe(false);
  });
});
