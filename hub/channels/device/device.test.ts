import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { startHub, type TestClient, type TestHub } from '../../testing/harness';
import { signedPost, startMosquitto } from '../../testing/channels';

const SECRET = 'device-secret';
const MIN = 60_000;

describe('device alerts: HTTP ingest and MQTT (real mosquitto)', () => {
  let t: TestHub;
  let broker: Awaited<ReturnType<typeof startMosquitto>>;
  let nurse: TestClient;
  let supervisor: TestClient;
  const readings = (body: unknown, secret = SECRET) => signedPost(`${t.url}/channels/device/readings`, secret, JSON.stringify(body), 'application/json', { now: t.clock.now() });

  beforeAll(async () => {
    broker = await startMosquitto();
    t = await startHub({ config: { channels: { device: { enabled: true, webhookSecret: SECRET, teamId: 't-chronic', mqtt: { url: broker.url, topic: 'lantern/devices/+/readings' } } } } });
    await t.hub.channels.device!.mqttReady();
    [nurse, supervisor] = await t.signInAll(['nurse', 'supervisor'] as const);
    expect((await supervisor.req('POST', '/devices/bindings', { deviceId: 'gluco-1', contactId: 'c-chen', label: '血糖仪' })).status).toBe(200);
    expect((await nurse.req('POST', '/devices/bindings', { deviceId: 'x', contactId: 'c-chen' })).status).toBe(403);
  });
  afterAll(async () => {
    await t.close();
    await broker.stop();
  });

  const conv = () => t.hub.store.read((r) => r.getConversation('v-chen-glucose'));

  it('normalizes and stores readings; impossible ones are refused with a reason; unknown devices are refused', async () => {
    const r = await readings({ deviceId: 'gluco-1', readings: [
      { kind: 'glucose', value: 117, unit: 'mg/dL', measuredAt: t.clock.now() - 3600_000 },
      { kind: 'glucose', value: 2, unit: 'mg/dL', measuredAt: t.clock.now() - 3500_000 },
      { kind: 'glucose', value: 6.2, unit: 'furlongs' },
    ] });
    expect(r.status).toBe(200);
    expect(r.json!.value).toMatchObject({ accepted: 1, rejected: [{ index: 1, code: 'device.impossible_value' }, { index: 2, code: 'device.unknown_unit' }] });
    const stored = await t.hub.store.read((x) => x.readingsOf('c-chen'));
    expect(stored.filter((s) => s.deviceId === 'gluco-1').map((s) => [s.value, s.unit])).toEqual([[6.5, 'mmol/L']]);
    const bad = await readings({ deviceId: 'gluco-1', kind: 'spo2', value: 130, unit: '%' });
    expect(bad.status).toBe(422);
    expect(bad.json).toMatchObject({ error: { code: 'channel.impossible_value' } });
    expect((await readings({ deviceId: 'unbound', kind: 'spo2', value: 97, unit: '%' })).json).toMatchObject({ error: { code: 'channel.unknown_contact' } });
    // The nurse's replica gets the reading.
    expect((await nurse.pullAll(0)).some((c) => c.entity === 'device_reading' && (c.data as { deviceId: string | null }).deviceId === 'gluco-1')).toBe(true);
  });

  it('a trend outside the patient’s own 10th–90th percentile alerts after 3 one-minute windows (HTTP)', async () => {
    const now = t.clock.now();
    // Thirty days of the patient's usual values.
    const history = Array.from({ length: 40 }, (_, i) => ({ kind: 'glucose', value: 5.6 + (i % 8) * 0.2, unit: 'mmol/L', measuredAt: now - (40 - i) * 86_400_000 * 0.7 }));
    expect((await readings({ deviceId: 'gluco-1', readings: history })).json!.value).toMatchObject({ accepted: 40, alerts: [] });
    await t.hub.store.write((tx) => tx.updateConversation('v-chen-glucose', { priority: 'normal', tags: [] }));
    for (const m of [0, 1]) {
      const r = await readings({ deviceId: 'gluco-1', readings: [{ kind: 'glucose', value: 9.8, unit: 'mmol/L', measuredAt: now + m * MIN }] });
      expect(r.json!.value).toMatchObject({ alerts: [] });
    }
    t.clock.advance(2 * MIN + 5000);
    const third = await readings({ deviceId: 'gluco-1', readings: [{ kind: 'glucose', value: 10.1, unit: 'mmol/L', measuredAt: now + 2 * MIN }] });
    expect(third.json!.value).toMatchObject({ alerts: [{ level: 'abnormal', kind: 'glucose', conversationId: 'v-chen-glucose' }] });
    const after = (await conv())!;
    expect(after.priority).toBe('high');
    expect(after.tags).toContain('设备告警');
    const alert = (await t.hub.store.read((x) => x.messagesOf('v-chen-glucose'))).at(-1)!;
    expect(alert).toMatchObject({ contentType: 'alert', authorName: '设备监测' });
    expect(alert.body).toMatch(/【异常趋势】血糖 10\.1 mmol\/L（连续 3 个1分钟窗口高于本人第90百分位 \d/);
    expect(alert.body.match(/9\.8 mmol\/L/g)).toHaveLength(2);
    // De-duplicated: the run continues, no second alert.
    const fourth = await readings({ deviceId: 'gluco-1', readings: [{ kind: 'glucose', value: 10.3, unit: 'mmol/L', measuredAt: now + 3 * MIN }] });
    expect(fourth.json!.value).toMatchObject({ alerts: [] });
    expect(await t.hub.store.read((x) => x.alertsOf('c-chen'))).toHaveLength(1);
  });

  it('a critical value over MQTT alerts at once: the conversation becomes urgent; bad payloads are dropped, not fatal', async () => {
    const pub = await mqtt.connectAsync(broker.url, { protocolVersion: 5 });
    try {
      await pub.publishAsync('lantern/devices/gluco-1/readings', 'not json', { qos: 1 });
      await pub.publishAsync('lantern/devices/gluco-1/readings', JSON.stringify({ kind: 'glucose', value: 9000, unit: 'mg/dL' }), { qos: 1 });
      const at = t.clock.now() + 4 * MIN;
      await pub.publishAsync('lantern/devices/gluco-1/readings', JSON.stringify({ kind: 'glucose', value: 40, unit: 'mg/dL', measuredAt: at }), { qos: 1 });
      await expect.poll(async () => (await t.hub.store.read((x) => x.alertsOf('c-chen'))).length, { timeout: 10_000 }).toBe(2);
      expect((await conv())!.priority).toBe('urgent');
      const alert = (await t.hub.store.read((x) => x.messagesOf('v-chen-glucose'))).at(-1)!;
      expect(alert.body).toMatch(/^【危急值】血糖 2\.22 mmol\/L（低于危急下限 3）/);
      expect(t.hub.channels.device!.mqttMessages).toBeGreaterThanOrEqual(3);
      // The same reading again (a QoS 1 redelivery): stored once.
      await pub.publishAsync('lantern/devices/gluco-1/readings', JSON.stringify({ kind: 'glucose', value: 40, unit: 'mg/dL', measuredAt: at }), { qos: 1 });
      await expect.poll(() => t.hub.channels.device!.mqttMessages, { timeout: 10_000 }).toBeGreaterThanOrEqual(4);
      expect((await t.hub.store.read((x) => x.readingsOf('c-chen'))).filter((r) => r.measuredAt === at)).toHaveLength(1);
      expect(await t.hub.store.read((x) => x.alertsOf('c-chen'))).toHaveLength(2);
      // A supervisor's view: the readings are attached to the alert message.
      expect((await supervisor.pullAll(0)).some((c) => c.entity === 'message' && (c.data as { contentType: string }).contentType === 'alert')).toBe(true);
    } finally {
      await pub.endAsync();
    }
  });

  it('readings published while the hub is down wait at the broker (persistent session) and are stored after the restart', async () => {
    await t.hub.close();
    const pub = await mqtt.connectAsync(broker.url, { protocolVersion: 5 });
    const at = t.clock.now() - 30_000;
    await pub.publishAsync('lantern/devices/gluco-1/readings', JSON.stringify({ kind: 'glucose', value: 6.4, unit: 'mmol/L', measuredAt: at }), { qos: 1 });
    await pub.endAsync();
    await t.restart();
    await expect.poll(async () => (await t.hub.store.read((x) => x.readingsOf('c-chen'))).some((r) => r.measuredAt === at && r.value === 6.4), { timeout: 15_000 }).toBe(true);
  });
});
