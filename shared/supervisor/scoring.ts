import { z } from 'zod';
import { questionsOf, type QaForm, type QaFormDraft } from './forms';
import { round1 } from './periods';

/** One answer: points 0…max, or 'na'. `auto` is what the pre-scorer suggested (kept for the record). */
export const qaAnswerSchema = z
  .object({
    questionId: z.string().min(1).max(48),
    value: z.union([z.number().int().min(0).max(10), z.literal('na')]),
    auto: z.union([z.number().int().min(0).max(10), z.literal('na')]).nullable().default(null),
    comment: z.string().max(2000).default(''),
  })
  .strict();
export type QaAnswer = z.infer<typeof qaAnswerSchema>;
export type QaAnswerInput = z.input<typeof qaAnswerSchema>;

export interface SectionScore {
  id: string;
  /** 0–100, null when every question in it was N/A. */
  score: number | null;
  earned: number;
  possible: number;
}

export interface ReviewScore {
  /** 0–100 with one decimal; 0 when auto-failed; null when nothing was scorable. */
  score: number | null;
  autoFailed: boolean;
  /** Question ids of the auto-fail items answered 0. */
  autoFailItems: string[];
  earned: number;
  possible: number;
  sections: SectionScore[];
  /** Questions without an answer (a review cannot be submitted with any). */
  missing: string[];
}

export class ScoringError extends Error {
  constructor(
    readonly code: 'unknown_question' | 'out_of_range' | 'na_not_allowed' | 'missing' | 'comment_required',
    readonly questionId: string,
  ) {
    super(`${code}: ${questionId}`);
    this.name = 'ScoringError';
  }
}

/**
 * The score of one review:
 *
 *   score = 100 × Σ weight·(points/max) / Σ weight     over the answered, non-N/A questions
 *
 * N/A questions leave the denominator (they neither help nor hurt), and any
 * auto-fail question answered 0 makes the score 0 whatever the rest says. Section
 * scores use the same formula within the section (and are not zeroed by an
 * auto-fail elsewhere, so the report still shows where the conversation was good).
 */
export function scoreReview(form: Pick<QaForm | QaFormDraft, 'sections'>, answers: readonly Pick<QaAnswer, 'questionId' | 'value'>[]): ReviewScore {
  const byId = new Map(questionsOf(form).map((q) => [q.id, q]));
  const given = new Map<string, QaAnswer['value']>();
  for (const a of answers) {
    const q = byId.get(a.questionId);
    if (!q) throw new ScoringError('unknown_question', a.questionId);
    if (a.value === 'na') {
      if (!q.allowNa) throw new ScoringError('na_not_allowed', a.questionId);
    } else if (a.value > q.max || a.value < 0) throw new ScoringError('out_of_range', a.questionId);
    given.set(a.questionId, a.value);
  }
  let earned = 0;
  let possible = 0;
  const autoFailItems: string[] = [];
  const missing: string[] = [];
  const sections: SectionScore[] = form.sections.map((s) => {
    let e = 0;
    let p = 0;
    for (const q of s.questions) {
      const v = given.get(q.id);
      if (v === undefined) {
        missing.push(q.id);
        continue;
      }
      if (v === 'na') continue;
      if (q.autoFail && v === 0) autoFailItems.push(q.id);
      e += (q.weight * v) / q.max;
      p += q.weight;
    }
    earned += e;
    possible += p;
    return { id: s.id, score: p > 0 ? round1((100 * e) / p) : null, earned: e, possible: p };
  });
  const autoFailed = autoFailItems.length > 0;
  const score = autoFailed ? 0 : possible > 0 ? round1((100 * earned) / possible) : null;
  return { score, autoFailed, autoFailItems, earned, possible, sections, missing };
}

/**
 * Checks a submission: every question answered, and every departure from the
 * pre-scorer's suggestion explained (the reviewer confirms or overrides with a
 * comment — an unexplained override is refused).
 */
export function validateSubmission(form: Pick<QaForm, 'sections'>, answers: readonly QaAnswer[]): ReviewScore {
  const result = scoreReview(form, answers);
  const first = result.missing[0];
  if (first) throw new ScoringError('missing', first);
  for (const a of answers) {
    if (a.auto !== null && a.auto !== a.value && !a.comment.trim()) throw new ScoringError('comment_required', a.questionId);
  }
  return result;
}

export interface CalibrationRow {
  questionId: string;
  a: QaAnswer['value'] | null;
  b: QaAnswer['value'] | null;
  agree: boolean;
}

/**
 * Two reviewers on one conversation: per question, whether they gave the same
 * points, the share of questions they agree on, and the difference in total score.
 */
export function compareReviews(form: Pick<QaForm, 'sections'>, a: readonly QaAnswer[], b: readonly QaAnswer[]): { rows: CalibrationRow[]; agreement: number; scoreA: number | null; scoreB: number | null; delta: number | null } {
  const va = new Map(a.map((x) => [x.questionId, x.value]));
  const vb = new Map(b.map((x) => [x.questionId, x.value]));
  const rows = questionsOf(form).map((q) => {
    const x = va.get(q.id) ?? null;
    const y = vb.get(q.id) ?? null;
    return { questionId: q.id, a: x, b: y, agree: x !== null && x === y };
  });
  const scoreA = scoreReview(form, a).score;
  const scoreB = scoreReview(form, b).score;
  return {
    rows,
    agreement: rows.length ? round1((100 * rows.filter((r) => r.agree).length) / rows.length) : 0,
    scoreA,
    scoreB,
    delta: scoreA !== null && scoreB !== null ? round1(scoreA - scoreB) : null,
  };
}
