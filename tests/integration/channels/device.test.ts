import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { startMosquitto } from '../../../hub/testing/channels';
import { rig, type Rig } from './support';

describe('MQTT device reading (real mosquitto) → alert → nurse replica', () => {
  let r: Rig;
  let broker: Awaited<ReturnType<typeof startMosquitto>>;
  beforeAll(async () => {
    broker = await startMosquitto();
    r = await rig({ user: 'nurse', config: { channels: { device: { enabled: true, webhookSecret: 'D', teamId: 't-chronic', mqtt: { url: broker.url } } } } });
    await r.hub.channels.device!.mqttReady();
  });
  afterAll(async () => {
    await r.close();
    await broker.stop();
  });

  it('a critical glucose (mg/dL) from the patient’s registered glucometer makes the conversation urgent with the reading attached', async () => {
    await r.hub.write(async (tx) => {
      await tx.updateConversation('v-chen-glucose', { priority: 'normal' });
      await tx.appendChange({ at: Date.now(), entity: 'conversation', entityId: 'v-chen-glucose', op: 'put', data: (await tx.getConversation('v-chen-glucose'))!, conversationId: 'v-chen-glucose', contactId: 'c-chen' });
    });
    await expect.poll(() => r.q<{ priority: string }>("SELECT priority FROM conversations WHERE id = 'v-chen-glucose'")[0]?.priority, { timeout: 10_000 }).toBe('normal');
    const pub = await mqtt.connectAsync(broker.url, { protocolVersion: 5 });
    await pub.publishAsync('lantern/devices/glucometer-GM-2231/readings', JSON.stringify({ readings: [{ kind: 'glucose', value: 45, unit: 'mg/dL', measuredAt: Date.now() }] }), { qos: 1 });
    await pub.endAsync();
    await expect.poll(() => r.q<{ priority: string }>("SELECT priority FROM conversations WHERE id = 'v-chen-glucose'")[0]?.priority, { timeout: 10_000 }).toBe('urgent');
    const alert = r.q<{ body: string; content_type: string }>("SELECT body, content_type FROM messages WHERE conversation_id = 'v-chen-glucose' AND content_type = 'alert'");
    expect(alert).toHaveLength(1);
    expect(alert[0]!.body).toMatch(/^【危急值】血糖 2\.5 mmol\/L（低于危急下限 3）\n读数：\d\d:\d\d:\d\d 2\.5 mmol\/L\n设备：glucometer-GM-2231$/);
    expect(r.q("SELECT value, unit, device_id FROM device_readings WHERE device_id = 'glucometer-GM-2231' AND value = 2.5")).toEqual([{ value: 2.5, unit: 'mmol/L', device_id: 'glucometer-GM-2231' }]);
  });
});
