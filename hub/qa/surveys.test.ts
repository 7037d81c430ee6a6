import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { tempDir } from '../../tests/support/tmp';
import { DEFAULT_SURVEY_SETTINGS, type SurveyResultsView } from '../../shared/supervisor';
import { ingestInbound } from '../sync/ingest';
import { openSurveyFor, recordSurveyAnswer, runSurveyTick, type SurveySender } from './surveys';
import { startQaHub, type QaTestHub } from './testing';

/** 2025-03-10 10:00 Beijing. */
const T0 = Date.UTC(2025, 2, 10, 2, 0);
const MIN = 60_000;
const HOUR = 60 * MIN;

/** The recording fake: what the channel adapters would have been asked to send. */
class RecordingSender implements SurveySender {
  sent: { surveyId: string; kind: string; conversationId: string; channel: string; scale: { min: number; max: number } }[] = [];
  failNext = 0;
  async send(req: Parameters<SurveySender['send']>[0]) {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('gateway timeout');
    }
    this.sent.push({ surveyId: req.surveyId, kind: req.kind, conversationId: req.conversationId, channel: req.channel, scale: req.scale });
    return { ok: true as const };
  }
}

describe('survey scheduler at the hub (fake clock, recording sender)', () => {
  let hub: QaTestHub;
  let tmp: ReturnType<typeof tempDir>;
  let clock = T0;
  const sender = new RecordingSender();
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    tmp = tempDir('lantern-surveys-');
    hub = await startQaHub({ dataDir: tmp.dir, now: () => clock, surveySender: sender });
  });
  afterAll(async () => {
    await hub?.close();
    tmp?.cleanup();
  });

  /** Tokens live 15 minutes on the hub's (fake) clock: sign in again after the clock moved. */
  async function token(username: string): Promise<string> {
    const key = `${username}@${clock}`;
    if (!tokens.has(key)) {
      const res = await fetch(`${hub.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: `${username}-demo`, workstationId: `ws-${username}` }) });
      tokens.set(key, ((await res.json()) as { value: { accessToken: string } }).value.accessToken);
    }
    return tokens.get(key)!;
  }
  async function resolve(username: string, conversationId: string) {
    const res = await fetch(`${hub.url}/sync/push`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await token(username)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ mutations: [{ id: ulid(clock), type: 'conversation.setStatus', args: { conversationId, status: 'resolved' }, clientTime: clock }] }),
    });
    const json = (await res.json()) as { value: { results: { status: string }[] } };
    expect(json.value.results[0]!.status).toBe('applied');
  }
  const records = () => hub.ctx.store.read((r) => r.surveyRecordsSince(0));

  it('sends CSAT at resolution on the patient’s channel, skipping channels that are off', async () => {
    await resolve('agent', 'v-zhang-appt'); // webchat, consent granted
    await resolve('agent', 'v-zhao-fever'); // wechat
    await resolve('agent', 'v-li-call'); // phone: no text surveys
    await resolve('nurse', 'v-wang-bp'); // wechat
    clock = T0 + MIN;
    const out = await runSurveyTick(hub.ctx, sender);
    expect(out).toMatchObject({ sent: 3, failed: 0 });
    expect(sender.sent.map((s) => [s.kind, s.conversationId, s.channel]).sort()).toEqual([
      ['csat', 'v-wang-bp', 'wechat'],
      ['csat', 'v-zhang-appt', 'webchat'],
      ['csat', 'v-zhao-fever', 'wechat'],
    ]);
    expect(sender.sent[0]!.scale).toEqual({ min: 1, max: 5 });
    const skipped = (await records()).filter((r) => r.status === 'skipped').map((r) => [r.kind, r.conversationId, r.reason]);
    expect(skipped.sort()).toEqual([
      ['csat', 'v-li-call', 'channel_off'],
      ['nps', 'v-li-call', 'channel_off'],
    ]);
    // Nothing is sent twice.
    expect(await runSurveyTick(hub.ctx, sender)).toMatchObject({ sent: 0, skipped: 0 });
    expect(sender.sent).toHaveLength(3);
  });

  it('records answers within the scale and finds the open survey for a channel reply', async () => {
    const zhang = (await records()).find((r) => r.conversationId === 'v-zhang-appt' && r.kind === 'csat')!;
    expect(await openSurveyFor(hub.ctx, 'c-zhang', 'webchat')).toMatchObject({ id: zhang.id });
    await expect(recordSurveyAnswer(hub.ctx, zhang.id, { score: 6 })).rejects.toThrow(/Score must be 1–5/);
    await recordSurveyAnswer(hub.ctx, zhang.id, { score: 5, comment: '回复很快' });
    const zhao = (await records()).find((r) => r.conversationId === 'v-zhao-fever' && r.kind === 'csat')!;
    await recordSurveyAnswer(hub.ctx, zhao.id, { score: 2 });
    const audit = await hub.ctx.store.read(async (r) => (await r.auditPage(0, 10_000)).filter((a) => a.action.startsWith('survey.')).map((a) => a.action));
    expect(audit.filter((a) => a === 'survey.send')).toHaveLength(3);
    expect(audit.filter((a) => a === 'survey.answer')).toHaveLength(2);
  });

  it('sends NPS 48 h after resolution, not to a conversation the patient reopened', async () => {
    // Mr Wang writes again: his conversation reopens, so no NPS for it yet.
    clock = T0 + 20 * HOUR;
    await hub.write((tx) => ingestInbound(tx, { conversationId: 'v-wang-bp', messageId: 'in-wang-2', body: '血压又高了', authorName: '王秀英', at: clock }, { at: clock }));
    clock = T0 + 47 * HOUR;
    expect((await runSurveyTick(hub.ctx, sender)).sent).toBe(0);
    clock = T0 + 48 * HOUR + MIN;
    sender.failNext = 1; // the first attempt hits a gateway timeout: retried on the next tick
    const out = await runSurveyTick(hub.ctx, sender);
    expect(out).toMatchObject({ sent: 1, pending: 1 });
    clock += MIN;
    expect((await runSurveyTick(hub.ctx, sender)).sent).toBe(1);
    const nps = sender.sent.filter((s) => s.kind === 'nps');
    expect(nps.map((s) => s.conversationId).sort()).toEqual(['v-zhang-appt', 'v-zhao-fever']);
    expect(nps[0]!.scale).toEqual({ min: 0, max: 10 });
    const retried = (await records()).find((r) => r.kind === 'nps' && r.attempts === 2);
    expect(retried?.status).toBe('sent');
  });

  it('waits out quiet hours and honours per-channel settings', async () => {
    // Switch CSAT off for WeChat.
    const sup = await token('supervisor');
    const settings = { ...DEFAULT_SURVEY_SETTINGS, csat: { ...DEFAULT_SURVEY_SETTINGS.csat, channels: { ...DEFAULT_SURVEY_SETTINGS.csat.channels, wechat: false } } };
    const saved = await fetch(`${hub.url}/qa/surveys/settings`, { method: 'POST', headers: { authorization: `Bearer ${sup}`, 'content-type': 'application/json' }, body: JSON.stringify({ settings }) });
    expect(saved.status).toBe(200);
    // 22:30 Beijing: resolutions now wait for 08:00.
    clock = Date.UTC(2025, 2, 12, 14, 30);
    await resolve('agent2', 'v-zhou-postop'); // webchat
    await resolve('nurse', 'v-wu-gdm'); // wecom
    await resolve('nurse', 'v-wang-bp'); // wechat again: CSAT now off there
    clock += MIN;
    const before = sender.sent.length;
    await runSurveyTick(hub.ctx, sender);
    expect(sender.sent.length).toBe(before);
    expect((await records()).find((r) => r.conversationId === 'v-wang-bp' && r.kind === 'csat' && r.status === 'skipped')?.reason).toBe('channel_off');
    clock = Date.UTC(2025, 2, 13, 0, 0); // 08:00
    await runSurveyTick(hub.ctx, sender);
    expect(sender.sent.slice(before).map((s) => s.conversationId).sort()).toEqual(['v-wu-gdm', 'v-zhou-postop']);
  });

  it('answers results per channel through the API, and runs a tick on request', async () => {
    const sup = await token('supervisor');
    const res = await fetch(`${hub.url}/qa/surveys/results?groupBy=channel&days=30`, { headers: { authorization: `Bearer ${sup}` } });
    const v = ((await res.json()) as { value: SurveyResultsView }).value;
    // CSAT answers: 5 (webchat) and 2 (wechat) → 1 of 2 satisfied = 50 %.
    expect(v.overall.csat).toMatchObject({ csat: 50, n: 2, satisfied: 1 });
    expect(v.groups.map((g) => [g.key, g.csat.csat])).toEqual([
      ['webchat', 100],
      ['wechat', 0],
    ]);
    expect(v.counts.answered).toBe(2);
    const run = await fetch(`${hub.url}/qa/surveys/run`, { method: 'POST', headers: { authorization: `Bearer ${sup}`, 'content-type': 'application/json' }, body: '{}' });
    expect(run.status).toBe(200);
    const agentRun = await fetch(`${hub.url}/qa/surveys/run`, { method: 'POST', headers: { authorization: `Bearer ${await token('agent')}`, 'content-type': 'application/json' }, body: '{}' });
    expect(agentRun.status).toBe(403);
  });
});
