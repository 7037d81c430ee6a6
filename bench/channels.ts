/**
 * npm run bench -- channels   (or: npx tsx -e "import('./bench/channels.ts').then((m) => m.runChannelsBench())")
 *
 * Inbound messages/s per channel through its real protocol into an in-process hub
 * (loopback HTTP / WebSocket / SMTP; signatures, decryption, identity, routing,
 * audit and raw-payload journal all included), each against a baseline of direct
 * `ingestInbound` (one transaction per message, the same hub, the same run); and
 * ingest_to_replica_p99_ms: webhook accepted (HTTP 200 received) → the message row
 * committed in a connected workstation's encrypted replica.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import nodemailer from 'nodemailer';
import { createHub, type Hub } from '../hub/app/create-hub';
import { ingestContact, ingestConversation, ingestInbound } from '../hub/sync/ingest';
import { WxBizMsgCrypt } from '../hub/channels/wechat/crypto';
import { signedPost, WidgetClient } from '../hub/testing/channels';
import { createWorkstation, type Workstation } from '../electron/services/workstation';
import { createStaticKeyStore } from '../electron/services/replica/keystore';
import type { Change } from '../shared/sync/protocol';
import { median, percentile, round, writeResult } from './lib';

const N = Number(process.env.LANTERN_BENCH_CHANNELS_N ?? 300);
const N_EMAIL = Math.max(20, Math.round(N / 3));
const LATENCY_SAMPLES = Number(process.env.LANTERN_BENCH_CHANNELS_LATENCY ?? 200);
const SENDERS = 50;
const BODY = '医生您好，我这两天血糖早上空腹8.6，餐后两小时12左右，二甲双胍还要不要加量？';
const WX = { token: 'benchToken', aes: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG', appId: 'wxbench000000000001' };
const progress = (m: string) => process.stderr.write(`[channels bench] ${m}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function rate(n: number, one: (i: number) => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await one(i);
  return n / ((performance.now() - t0) / 1000);
}

export async function runChannelsBench() {
  const dir = mkdtempSync(join(tmpdir(), 'lantern-bench-channels-'));
  const wsDir = mkdtempSync(join(tmpdir(), 'lantern-bench-channels-ws-'));
  let hub: Hub | null = null;
  let ws: Workstation | null = null;
  try {
    hub = await createHub({
      dataDir: dir,
      port: 0,
      host: '127.0.0.1',
      demo: true,
      logger: false,
      env: {},
      config: {
        channels: {
          webchat: { teamId: 't-outpatient' },
          wechat: { enabled: true, appId: WX.appId, appSecret: 's', token: WX.token, encodingAesKey: WX.aes, teamId: 't-outpatient', apiBase: 'http://127.0.0.1:9' },
          sms: { enabled: true, webhookSecret: 'sms', teamId: 't-outpatient' },
          phone: { enabled: true, webhookSecret: 'pbx', teamId: 't-outpatient' },
          device: { enabled: true, webhookSecret: 'dev', teamId: 't-chronic' },
          email: { enabled: true, listen: { port: 0, host: '127.0.0.1' }, teamId: 't-outpatient' },
        },
        routing: { requireOnline: false, defaultCapacity: 100 },
      },
    });
    const h = hub;
    const url = h.url;

    // ---- baseline: direct ingestInbound, one transaction per message, same hub ----
    progress('baseline');
    const now = Date.now();
    await h.write(async (tx) => {
      for (let c = 0; c < SENDERS; c++) {
        await ingestContact(tx, { id: `bench-c${c}`, displayName: `患者${c}`, sex: 'unknown', birthYear: null, preferredChannel: null, conditions: [], medicines: [], allergies: [], createdAt: now, updatedAt: now }, [], { at: now });
        await ingestConversation(tx, { id: `bench-v${c}`, contactId: `bench-c${c}`, channel: 'sms', subject: null, status: 'open', priority: 'normal', assigneeId: null, teamId: 't-outpatient', tags: [], unreadCount: 0, lastMessageAt: now, lastMessagePreview: '', createdAt: now, updatedAt: now }, { at: now });
      }
    });
    const baseline = await rate(N, (i) => h.write((tx) => ingestInbound(tx, { conversationId: `bench-v${i % SENDERS}`, messageId: `bench-m${i}`, body: `${BODY} #${i}`, authorName: null, at: Date.now() }, { at: Date.now() })));

    // ---- each channel through its protocol ----
    const figures: Record<string, number> = { baseline_ingest_msgs_per_s: round(baseline, 1) };
    const ok = (status: number, what: string) => {
      if (status !== 200) throw new Error(`${what} answered ${status}`);
    };

    progress('webchat');
    const widgets = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const w = new WidgetClient(url);
        await w.hello();
        return w;
      }),
    );
    figures.webchat_msgs_per_s = round(await rate(N, (i) => widgets[i % widgets.length]!.say(`b${i}`, `${BODY} #${i}`)), 1);
    await Promise.all(widgets.map((w) => w.close()));

    progress('sms');
    figures.sms_msgs_per_s = round(await rate(N, async (i) => ok((await signedPost(`${url}/channels/sms/inbound`, 'sms', JSON.stringify({ from: `1390000${String(i % SENDERS).padStart(4, '0')}`, text: `${BODY} #${i}`, messageId: `bs-${i}` }))).status, 'sms')), 1);

    progress('phone');
    figures.phone_events_per_s = round(
      await rate(N, async (i) => ok((await signedPost(`${url}/channels/phone/events`, 'pbx', JSON.stringify({ callId: `bp-${i}`, direction: 'inbound', caller: `1380000${String(i % SENDERS).padStart(4, '0')}`, callee: '8001', startedAt: Date.now(), durationSeconds: 60, disposition: i % 5 === 0 ? 'missed' : 'answered' }))).status, 'phone')),
      1,
    );

    progress('device');
    await h.write(async (tx) => {
      for (let c = 0; c < SENDERS; c++) await tx.putDeviceBinding({ deviceId: `bd-${c}`, contactId: `bench-c${c}`, label: null, createdAt: now });
    });
    figures.device_readings_per_s = round(await rate(N, async (i) => ok((await signedPost(`${url}/channels/device/readings`, 'dev', JSON.stringify({ deviceId: `bd-${i % SENDERS}`, kind: 'heart_rate', value: 60 + (i % 30), unit: 'bpm', measuredAt: now + i * 1000 }))).status, 'device')), 1);

    progress('wechat');
    const crypt = new WxBizMsgCrypt(WX.token, WX.aes, WX.appId);
    figures.wechat_msgs_per_s = round(
      await rate(N, async (i) => {
        const ts = String(Math.floor(Date.now() / 1000));
        const enc = crypt.encrypt(`<xml><ToUserName><![CDATA[gh_b]]></ToUserName><FromUserName><![CDATA[oBench${i % SENDERS}]]></FromUserName><CreateTime>${ts}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${BODY} #${i}]]></Content><MsgId>${900000 + i}</MsgId></xml>`);
        const res = await fetch(`${url}/channels/wechat/callback?${new URLSearchParams({ timestamp: ts, nonce: String(i), encrypt_type: 'aes', msg_signature: crypt.signature(ts, String(i), enc) })}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: `<xml><Encrypt><![CDATA[${enc}]]></Encrypt></xml>` });
        ok(res.status, 'wechat');
        await res.text();
        await h.channels.wechat!.idle(); // acknowledged AND processed
      }),
      1,
    );

    progress('email');
    const smtp = nodemailer.createTransport({ host: '127.0.0.1', port: h.channels.email!.port, secure: false, ignoreTLS: true, pool: true, maxConnections: 1 });
    figures.email_msgs_per_s = round(await rate(N_EMAIL, (i) => smtp.sendMail({ from: `p${i % SENDERS}@example.org`, to: 'inbox@lantern.local', subject: `咨询 ${i}`, text: `${BODY} #${i}`, messageId: `<be-${i}@example.org>` })), 1);
    smtp.close();

    for (const k of ['webchat_msgs_per_s', 'sms_msgs_per_s', 'phone_events_per_s', 'device_readings_per_s', 'wechat_msgs_per_s', 'email_msgs_per_s']) {
      figures[`${k.replace(/_per_s$/, '')}_vs_baseline`] = round(figures[k]! / baseline, 3);
    }

    // ---- webhook accepted → row in a connected replica ----
    progress('latency');
    const seenAt = new Map<string, number>();
    ws = await createWorkstation({
      dataDir: wsDir,
      keyStore: createStaticKeyStore(randomBytes(32), true),
      appVersion: 'bench',
      hubUrl: url,
      sync: { pollMs: 60_000, pullLimit: 1000, onApplied: (changes: Change[]) => {
        const t = performance.now();
        for (const c of changes) if (c.entity === 'message' && !seenAt.has(c.id)) seenAt.set(c.id, t);
      } },
    });
    const login = await ws.dispatch('sync.login', { username: 'supervisor', password: 'supervisor-demo' });
    if (!(login as { ok: boolean }).ok) throw new Error('login failed');
    for (let i = 0; i < 200 && !(ws.sync!.snapshot().status === 'online' && seenAt.size > 0); i++) {
      ws.sync!.kick();
      await ws.sync!.idle();
      await sleep(50);
    }
    await sleep(500);
    const lat: number[] = [];
    let missing = 0;
    for (let i = 0; i < LATENCY_SAMPLES; i++) {
      const res = await signedPost(`${url}/channels/sms/inbound`, 'sms', JSON.stringify({ from: `1370000${String(i % SENDERS).padStart(4, '0')}`, text: `延迟测试 ${i}`, messageId: `bl-${i}` }));
      const accepted = performance.now();
      ok(res.status, 'sms');
      const id = (res.json!.value as { accepted: { messageId: string }[] }).accepted[0]!.messageId;
      const deadline = accepted + 10_000;
      while (!seenAt.has(id) && performance.now() < deadline) await sleep(1);
      const t = seenAt.get(id);
      if (t === undefined) missing++;
      else lat.push(Math.max(0, t - accepted));
      await sleep(20); // ~50 msg/s: not a saturation test
    }
    figures.ingest_to_replica_p50_ms = round(median(lat), 1);
    figures.ingest_to_replica_p99_ms = round(percentile(lat, 99), 1);
    figures.ingest_to_replica_missing = missing;

    return writeResult('channels', {
      figures,
      targets: {
        sms_msgs_per_s: '>= 50',
        webchat_msgs_per_s: '>= 50',
        wechat_msgs_per_s: '>= 50',
        ingest_to_replica_p99_ms: '<= 250',
        ingest_to_replica_missing: '<= 0',
      },
      notes: {
        method: `One in-process hub (demo clinic, SQLite synchronous=FULL, real loopback sockets) with every channel enabled. Baseline: ${N} direct ingestInbound calls, one transaction each, into ${SENDERS} existing conversations. Each channel: ${N} messages (e-mail ${N_EMAIL}) sent one after another through its real protocol by a real client (widget WebSocket with ack, HMAC-signed SMS/PBX/device webhooks, AES-encrypted WeChat callbacks waited until processed, nodemailer over SMTP), from ${SENDERS} senders; each includes signature/decryption, parsing, identity resolution, routing, the raw-payload journal and audit. Latency: a workstation signed in as supervisor (SQLCipher replica, WebSocket pokes), ${LATENCY_SAMPLES} SMS webhooks at ~50/s, from the webhook's 200 to the sync client's commit of the page containing the message.`,
        n: N,
        emailN: N_EMAIL,
      },
    });
  } finally {
    await ws?.close().catch(() => undefined);
    await hub?.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    rmSync(wsDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runChannelsBench().then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
