import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedPost } from '../../../hub/testing/channels';
import { rig, type Rig } from './support';

describe('PBX call events → replica', () => {
  let r: Rig;
  beforeAll(async () => {
    r = await rig({ config: { channels: { phone: { enabled: true, webhookSecret: 'P', teamId: 't-outpatient' } } } });
  });
  afterAll(() => r.close());

  it('a missed call of a known patient shows up as a callback task (回拨, high) with the call record', async () => {
    const res = await signedPost(`${r.hub.url}/channels/phone/events`, 'P', JSON.stringify({ callId: 'pbx-9001', direction: 'inbound', caller: '13800000002', callee: '8001', startedAt: new Date().toISOString(), disposition: 'missed' }));
    expect(res.status).toBe(200);
    await expect.poll(() => r.q("SELECT id FROM messages WHERE conversation_id = 'v-li-call' AND content_type = 'call'"), { timeout: 10_000 }).toHaveLength(1);
    expect(r.q<{ priority: string }>("SELECT priority FROM conversations WHERE id = 'v-li-call'")[0]!.priority).toBe('high');
    expect(JSON.parse(r.q<{ tags: string }>("SELECT tags FROM conversations WHERE id = 'v-li-call'")[0]!.tags)).toContain('回拨');
    expect(r.q("SELECT content_type, body FROM messages WHERE conversation_id = 'v-li-call' ORDER BY created_at DESC LIMIT 1")).toEqual([{ content_type: 'call', body: '来电 · 未接\n需回拨' }]);
  });
});
