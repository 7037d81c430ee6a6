import { describe, expect, it } from 'vitest';
import { parseSurveyScore, replyPart, surveyIdOfMessage, surveyLanguage, surveyMessageId, surveyText } from './survey-wording';

const CSAT = { min: 1, max: 5 };
const NPS = { min: 0, max: 10 };

describe('reading a reply as a survey score', () => {
  it('takes a bare score in the scale, in the forms patients type', () => {
    const cases: [string, { min: number; max: number }, number][] = [
      ['5', CSAT, 5],
      ['５', CSAT, 5],
      [' 4 ', CSAT, 4],
      ['5分', CSAT, 5],
      ['5 分。', CSAT, 5],
      ['5星', CSAT, 5],
      ['五星', CSAT, 5],
      ['三', CSAT, 3],
      ['4/5', CSAT, 4],
      ['★★★★★', CSAT, 5],
      ['⭐️⭐️⭐️', CSAT, 3],
      ['③', CSAT, 3],
      ['5!', CSAT, 5],
      ['0', NPS, 0],
      ['10', NPS, 10],
      ['１０', NPS, 10],
      ['10分', NPS, 10],
      ['十分', NPS, 10],
      ['9/10', NPS, 9],
      ['7 points', NPS, 7],
    ];
    for (const [text, scale, want] of cases) expect([text, parseSurveyScore(text, scale)]).toEqual([text, want]);
  });

  it('leaves everything else an ordinary message', () => {
    const cases: [string, { min: number; max: number }][] = [
      ['6', CSAT],
      ['0', CSAT],
      ['11', NPS],
      ['3.5', CSAT],
      ['1-5', CSAT],
      ['4/10', CSAT],
      ['5月3号可以吗', CSAT],
      ['第5', CSAT],
      ['谢谢', CSAT],
      ['5 thanks', CSAT],
      ['十分满意', NPS],
      ['', CSAT],
      ['★★★★★★', CSAT],
    ];
    for (const [text, scale] of cases) expect([text, parseSurveyScore(text, scale)]).toEqual([text, null]);
  });
});

describe('survey wording and naming', () => {
  it('asks in the patient’s language with the channel’s hint', () => {
    expect(surveyLanguage(['请问明天有号吗'])).toBe('zh-CN');
    expect(surveyLanguage(['Is my report ready?'])).toBe('en');
    expect(surveyLanguage([])).toBe('zh-CN');
    expect(surveyText('csat', 'zh-CN', 'wechat')).toBe('您好，本次咨询已结束。请为本次服务打分：回复 1–5（5 = 非常满意，1 = 非常不满意）。');
    expect(surveyText('nps', 'zh-CN', 'sms', ['退订', 'TD'])).toBe('您有多大可能向亲友推荐我院的服务？请回复 0–10（10 = 非常愿意，0 = 完全不会）。退订请回复“退订”。');
    expect(surveyText('csat', 'en', 'sms', ['退订', 'TD', 'STOP'])).toMatch(/Reply with a number from 1 to 5 .* Reply TD to opt out\.$/);
    expect(surveyText('csat', 'en', 'webchat')).toMatch(/Tap a score below or type the number\.$/);
  });

  it('names the survey message after the survey, both ways', () => {
    const id = '01JHMFKY0050H8SAP257AHFD56';
    expect(surveyIdOfMessage(surveyMessageId(id))).toBe(id);
    expect(surveyIdOfMessage('m-01JHMFKY0050H8SAP257AHFD56')).toBeNull();
  });

  it('keeps only the patient’s own lines of an e-mail reply', () => {
    expect(replyPart('9\n\nOn Fri, 17 Jan 2025 at 16:01, Hospital <service@hospital.example> wrote:\n> How likely … 0 to 10')).toBe('9');
    expect(replyPart('5分\n\n在 2025年1月17日 16:01，示例医院 写道：\n> 请为本次服务打分')).toBe('5分');
    expect(replyPart('8\n-----Original Message-----\nFrom: x')).toBe('8');
    expect(replyPart('10\n--\nEmily')).toBe('10');
    expect(replyPart('> quoted only')).toBe('');
  });
});
