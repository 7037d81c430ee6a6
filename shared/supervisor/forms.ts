import { z } from 'zod';
import { localizedSchema } from '../engine/types';

/**
 * QA scorecard forms. A form has sections of questions; each question is worth
 * `weight` and answered with 0…`max` points (max 1 = yes/no), or N/A when the
 * question allows it. An auto-fail question answered 0 makes the whole review 0.
 *
 * Forms are versioned: saving a form makes a new version, and a review keeps the
 * (id, version) it was scored with, so changing the form never rescores history.
 */

/** What the pre-scorer can suggest for a question (from the engine and the timings). */
export const autoKeys = ['identity_verified', 'consent_respected', 'redflag_script', 'minimum_necessary', 'empathy', 'accuracy', 'resolution', 'first_response', 'response_times'] as const;
export const autoKeySchema = z.enum(autoKeys);
export type AutoKey = z.infer<typeof autoKeySchema>;

const slug = z.string().regex(/^[a-z][a-z0-9_-]{0,47}$/, 'lower-case letters, digits, _ and -');

export const qaQuestionSchema = z
  .object({
    id: slug,
    title: localizedSchema,
    help: localizedSchema.optional(),
    weight: z.number().positive().max(100),
    /** Points for a full answer: 1 = yes/no, 2 = yes/partly/no, up to 10 for a scale. */
    max: z.number().int().min(1).max(10),
    autoFail: z.boolean().default(false),
    allowNa: z.boolean().default(false),
    auto: autoKeySchema.optional(),
  })
  .strict();
export type QaQuestion = z.infer<typeof qaQuestionSchema>;

export const qaSectionSchema = z.object({ id: slug, title: localizedSchema, questions: z.array(qaQuestionSchema).min(1).max(40) }).strict();
export type QaSection = z.infer<typeof qaSectionSchema>;

/** What a supervisor edits and saves (the hub assigns the version). */
export const qaFormDraftSchema = z
  .object({
    id: slug,
    name: localizedSchema,
    sections: z.array(qaSectionSchema).min(1).max(20),
  })
  .strict()
  .superRefine((f, ctx) => {
    const seen = new Set<string>();
    for (const s of f.sections) {
      for (const q of s.questions) {
        if (seen.has(q.id)) ctx.addIssue({ code: 'custom', message: `duplicate question id "${q.id}"`, path: ['sections'] });
        seen.add(q.id);
      }
    }
  });
export type QaFormDraft = z.infer<typeof qaFormDraftSchema>;

export const qaFormSchema = z.object({
  id: slug,
  version: z.number().int().positive(),
  name: localizedSchema,
  sections: z.array(qaSectionSchema),
  createdAt: z.number().int(),
  createdBy: z.string(),
});
export type QaForm = z.infer<typeof qaFormSchema>;

export function questionsOf(form: Pick<QaForm, 'sections'>): QaQuestion[] {
  return form.sections.flatMap((s) => s.questions);
}

const L = (zh: string, en: string) => ({ 'zh-CN': zh, en });

/**
 * The default clinical contact-centre form. Safety items (identity, consent, red
 * flags, minimum necessary information) are auto-fail: getting one wrong can harm a
 * patient or breach privacy whatever else went well.
 */
export const DEFAULT_QA_FORM: QaFormDraft = {
  id: 'clinical-default',
  name: L('临床联络质检表（默认）', 'Clinical contact QA (default)'),
  sections: [
    {
      id: 'safety',
      title: L('安全与合规', 'Safety and compliance'),
      questions: [
        { id: 'identity', title: L('核实了患者身份', 'Verified the patient\'s identity'), help: L('讨论病情或报告前，已通过已验证渠道或两项信息核实身份。', 'Identity confirmed via a verified channel or two identifiers before discussing health or results.'), weight: 15, max: 1, autoFail: true, allowNa: false, auto: 'identity_verified' },
        { id: 'consent', title: L('尊重了患者的同意设置', 'Respected the patient\'s consent'), help: L('患者退订的渠道上未主动发送消息。', 'No messages on a channel the patient opted out of.'), weight: 10, max: 1, autoFail: true, allowNa: false, auto: 'consent_respected' },
        { id: 'redflag', title: L('按话术处理危急信号', 'Handled red flags by the script'), help: L('出现胸痛、卒中征象、低血糖等时，按规定话术建议就医/拨打120并上报。', 'On chest pain, stroke signs, hypoglycaemia … advised emergency care / 120 and escalated, as scripted.'), weight: 20, max: 1, autoFail: true, allowNa: true, auto: 'redflag_script' },
        { id: 'minimum', title: L('只使用必要的信息', 'Used only the minimum necessary information'), help: L('未泄露他人或不必要的身份证号、手机号等。', 'No foreign or unnecessary identifiers (ID numbers, phones …) disclosed.'), weight: 10, max: 1, autoFail: true, allowNa: false, auto: 'minimum_necessary' },
      ],
    },
    {
      id: 'care',
      title: L('沟通与专业', 'Communication and accuracy'),
      questions: [
        { id: 'empathy', title: L('共情与语气', 'Empathy and tone'), help: L('0 = 生硬，1 = 一般，2 = 体贴、安抚到位。', '0 = curt, 1 = adequate, 2 = warm and reassuring.'), weight: 10, max: 2, autoFail: false, allowNa: false, auto: 'empathy' },
        { id: 'accuracy', title: L('信息准确，未越权（不诊断、不改药）', 'Accurate, within scope (no diagnosis, no dose changes)'), weight: 15, max: 2, autoFail: false, allowNa: false, auto: 'accuracy' },
        { id: 'resolution', title: L('问题得到解决或妥善转交', 'Resolved or handed over properly'), weight: 10, max: 2, autoFail: false, allowNa: false, auto: 'resolution' },
      ],
    },
    {
      id: 'timeliness',
      title: L('响应时效', 'Response times'),
      questions: [
        { id: 'first_response', title: L('首次响应在时限内', 'First response within the SLA'), weight: 5, max: 1, autoFail: false, allowNa: true, auto: 'first_response' },
        { id: 'response_times', title: L('后续回复及时', 'Follow-up replies on time'), weight: 5, max: 2, autoFail: false, allowNa: true, auto: 'response_times' },
      ],
    },
  ],
};
