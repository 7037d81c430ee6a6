import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import mqtt from 'mqtt';
import { startHub, type TestHub } from '../testing/harness';
import { WidgetClient, signedPost, startMosquitto } from '../testing/channels';
import { WxBizMsgCrypt } from './wechat/crypto';

const S = { sms: 'sms-s', phone: 'pbx-s', device: 'dev-s' };
const WX = { token: 'tok', aes: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG', appId: 'wx1111111111111111', corpId: 'ww2222222222222222' };

/** Near-valid payloads, so garbage reaches the parsers and the business rules, not only the signature check. */
const fieldValue = fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.double(), fc.constant(null), fc.constantFrom('13900001111', '+8613800000002', 'answered', 'missed', 'inbound', 'glucose', 'mg/dL', '退订', 'gluco-x', 'c-chen'), fc.array(fc.jsonValue(), { maxLength: 2 }));
const objectArb = fc.dictionary(fc.constantFrom('from', 'text', 'messageId', 'callId', 'direction', 'caller', 'callee', 'startedAt', 'disposition', 'kind', 'value', 'value2', 'unit', 'deviceId', 'contactId', 'readings', 'messages', 'status', '__proto__', 'constructor'), fieldValue, { maxKeys: 8 });
const bodyArb = fc.oneof(
  objectArb.map((o) => JSON.stringify(o)),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')),
  objectArb.map((o) => new URLSearchParams(Object.entries(o).map(([k, v]): [string, string] => [k, String(v)])).toString()),
  fc.constant('{"__proto__":{"polluted":1},"from":"13900001111","text":"x","messageId":"p"}'),
);
const typeArb = fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/xml', 'text/plain', 'application/octet-stream', 'multipart/form-data; boundary=x');

describe('garbage at every inbound endpoint: a clear 4xx (or a 200 that stored it), never a 5xx, never a crash', () => {
  let t: TestHub;
  let broker: Awaited<ReturnType<typeof startMosquitto>>;
  const wecom = new WxBizMsgCrypt(WX.token, WX.aes, WX.corpId);
  beforeAll(async () => {
    broker = await startMosquitto();
    t = await startHub({
      config: {
        channels: {
          wechat: { enabled: true, appId: WX.appId, appSecret: 's', token: WX.token, encodingAesKey: WX.aes, mode: 'compat', apiBase: 'http://127.0.0.1:9' },
          wecom: { enabled: true, corpId: WX.corpId, corpSecret: 's', agentId: 1, token: WX.token, encodingAesKey: WX.aes, apiBase: 'http://127.0.0.1:9' },
          sms: { enabled: true, webhookSecret: S.sms },
          phone: { enabled: true, webhookSecret: S.phone },
          device: { enabled: true, webhookSecret: S.device, mqtt: { url: broker.url } },
          email: { enabled: true, listen: { port: 0, host: '127.0.0.1' }, maxMessageBytes: 20_000 },
        },
      },
    });
    await t.hub.channels.device!.mqttReady();
  });
  afterAll(async () => {
    await t.close();
    await broker.stop();
  });

  const healthy = async () => expect((await fetch(`${t.url}/healthz`)).status).toBe(200);

  it('signed webhooks (SMS, PBX, devices): garbage bodies, content types, replays and forgeries', async () => {
    const paths = [
      ['/channels/sms/inbound', S.sms],
      ['/channels/sms/status', S.sms],
      ['/channels/phone/events', S.phone],
      ['/channels/device/readings', S.device],
    ] as const;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), bodyArb, typeArb, fc.constantFrom('valid', 'forged', 'replayed', 'none'), async ([path, secret], body, type, sig) => {
        const now = t.clock.now();
        const res =
          sig === 'none'
            ? await fetch(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': type }, body })
            : await signedPost(`${t.url}${path}`, sig === 'forged' ? 'nope' : secret, body, type, { now: sig === 'replayed' ? now - 3_600_000 : now }).then((p) => ({ status: p.status, json: () => Promise.resolve(p.json) }));
        expect(res.status).toBeLessThan(500);
        if (sig !== 'valid') expect(res.status).toBeGreaterThanOrEqual(400);
        const json = (await res.json().catch(() => null)) as { ok?: boolean; error?: { code: string }; value?: { accepted?: { messageId: string | null }[] } } | null;
        if (res.status >= 400) expect(json?.error?.code ?? '').toMatch(/^(channel|request)\./);
        // Accepted means stored: every message id answered exists.
        for (const a of json?.value?.accepted ?? []) if (a.messageId) expect(await t.hub.store.read((r) => r.getMessage(a.messageId!))).not.toBeNull();
      }),
      { numRuns: 250 },
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await healthy();
  });

  it('WeChat/WeCom callbacks: garbage XML, bad signatures and ciphertexts', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('wechat', 'wecom'),
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.string({ maxLength: 100 }).map((s) => `<xml><Encrypt><![CDATA[${s}]]></Encrypt></xml>`),
          fc.string({ maxLength: 200 }).map((s) => ({ enc: wecom.encrypt(s) })),
          fc.record({ a: fc.string({ maxLength: 20 }), b: fc.string({ maxLength: 20 }) }).map(({ a, b }) => ({ enc: wecom.encrypt(`<xml><ToUserName>${a}</ToUserName><FromUserName>${b}</FromUserName><CreateTime>x</CreateTime><MsgType>text</MsgType></xml>`) })),
          fc.constant('<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><xml>&lol2;</xml>'),
        ),
        fc.boolean(),
        async (kind, payload, signed) => {
          const ts = String(Math.floor(t.clock.now() / 1000));
          const body = typeof payload === 'string' ? payload : `<xml><Encrypt><![CDATA[${payload.enc}]]></Encrypt></xml>`;
          const enc = /<Encrypt><!\[CDATA\[(.*?)\]\]>/s.exec(body)?.[1] ?? '';
          const q = new URLSearchParams({ timestamp: ts, nonce: '7', msg_signature: signed ? wecom.signature(ts, '7', enc) : 'x', signature: signed ? wecom.signature(ts, '7') : 'y' });
          const res = await fetch(`${t.url}/channels/${kind}/callback?${q}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
          expect(res.status).toBeLessThan(500);
          const text = await res.text();
          if (res.status === 200) expect(text).toBe('success');
          else expect(text).toMatch(/^channel\./);
          const get = await fetch(`${t.url}/channels/${kind}/callback?${q}&echostr=${encodeURIComponent(enc || 'x')}`);
          expect(get.status).toBeLessThan(500);
        },
      ),
      { numRuns: 200 },
    );
    await t.hub.channels.wecom!.idle();
    await t.hub.channels.wechat!.idle();
    await healthy();
  });

  it('widget: garbage frames and uploads', async () => {
    const frameArb = fc.oneof(
      fc.string({ maxLength: 400 }),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.record({ t: fc.constantFrom('hello', 'msg', 'ack', 'typing', 'x'), cid: fc.string({ maxLength: 70 }), text: fc.string({ maxLength: 50 }), id: fc.string({ maxLength: 30 }), attachmentId: fc.string({ maxLength: 30 }) }, { requiredKeys: ['t'] }).map((v) => JSON.stringify(v)),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(frameArb, { maxLength: 25 }), async (frames) => {
        const w = new WidgetClient(t.url);
        try {
          await w.hello();
          for (const f of frames) w.send(f);
          w.send({ t: 'ping' });
          await w.until(() => w.of('pong').length > 0);
          expect(w.closed).toBeNull();
          // Whatever was acknowledged is stored.
          for (const a of w.of('ack')) expect(await t.hub.store.read((r) => r.getMessage(String(a.id)))).not.toBeNull();
        } finally {
          await w.close();
        }
      }),
      { numRuns: 40 },
    );
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), fc.constantFrom('image/png', 'image/jpeg', 'text/plain', 'application/octet-stream'), async (bytes, type) => {
        const res = await fetch(`${t.url}/widget/upload`, { method: 'POST', headers: { 'content-type': type, 'x-visitor-token': 'garbage' }, body: Buffer.from(bytes) });
        expect([401, 413, 415]).toContain(res.status);
      }),
      { numRuns: 60 },
    );
    await healthy();
  });

  it('SMTP: garbage commands and malformed MIME get SMTP errors, the listener keeps serving', async () => {
    const port = t.hub.channels.email!.port;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fc.string({ maxLength: 80 }), fc.constantFrom('HELO x', 'MAIL FROM:<a@b.c>', 'RCPT TO:<x@lantern.local>', 'DATA', '.', 'RSET', 'Content-Type: multipart/mixed; boundary="', '--\r\n')), { maxLength: 8 }), async (lines) => {
        await new Promise<void>((resolve) => {
          const s = connect(port, '127.0.0.1');
          s.on('error', () => resolve());
          s.setTimeout(2000, () => s.destroy());
          s.on('close', () => resolve());
          s.once('data', () => {
            s.write(`${lines.join('\r\n')}\r\nQUIT\r\n`);
            setTimeout(() => s.end(), 50);
          });
        });
      }),
      { numRuns: 40 },
    );
    const banner = await new Promise<string>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('data', (d) => {
        resolve(d.toString());
        s.end('QUIT\r\n');
      });
    });
    expect(banner).toMatch(/^220 /);
    await healthy();
  });

  it('MQTT: garbage payloads are dropped, a valid reading after them still lands', async () => {
    await t.hub.store.write((tx) => tx.putDeviceBinding({ deviceId: 'mq-1', contactId: 'c-chen', label: null, createdAt: 0 }));
    const pub = await mqtt.connectAsync(broker.url, { protocolVersion: 5 });
    try {
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)), fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v))), objectArb.map((o) => Buffer.from(JSON.stringify(o)))), async (payload) => {
          await pub.publishAsync('lantern/devices/mq-1/readings', payload, { qos: 1 });
        }),
        { numRuns: 100 },
      );
      const at = t.clock.now();
      await pub.publishAsync('lantern/devices/mq-1/readings', JSON.stringify({ kind: 'heart_rate', value: 72, unit: 'bpm', measuredAt: at }), { qos: 1 });
      await expect.poll(async () => (await t.hub.store.read((r) => r.readingsOf('c-chen'))).some((r) => r.deviceId === 'mq-1' && r.measuredAt === at && r.value === 72), { timeout: 15_000 }).toBe(true);
    } finally {
      await pub.endAsync();
    }
    await healthy();
    expect((await t.hub.verifyAudit()).ok).toBe(true);
  });
});
