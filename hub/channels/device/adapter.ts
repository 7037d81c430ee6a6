import type { FastifyInstance } from 'fastify';
import mqtt, { type MqttClient } from 'mqtt';
import { ulid } from 'ulid';
import { z } from 'zod';
import { okBody } from '../../http/errors';
import type { StoreTx } from '../../store/store';
import type { DeviceReadingRow } from '../../store/types';
import { ingestReading } from '../../sync/ingest';
import type { ChannelsConfig } from '../config';
import { ChannelError, ChannelErrorCode } from '../errors';
import { decodeStructured, rawOf, reject, verifyWebhook } from '../http';
import { parseTime } from '../sms/adapter';
import type { ChannelAdapter, ChannelRuntime } from '../types';
import { DEFAULT_CRITICAL, baselineOf, emptyState, step, type Alert, type RuleState } from './rules';
import { CANONICAL_UNIT, ReadingError, normalizeReading, type NormalizedReading, type ReadingKind } from './units';

type DeviceConfig = ChannelsConfig['device'];

export const DEVICE_MAX_BODY = 512 * 1024;
const MAX_READINGS = 500;

const reading = z.object({
  kind: z.string().min(1).max(30),
  value: z.number(),
  value2: z.number().nullable().optional(),
  unit: z.string().min(1).max(20),
  measuredAt: z.union([z.number().nonnegative(), z.string().min(1).max(40)]).optional(),
  id: z.string().regex(/^[A-Za-z0-9_.:-]{1,80}$/).optional(),
});
const batch = z.object({
  deviceId: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/).optional(),
  contactId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
  readings: z.array(z.unknown()).min(1).max(MAX_READINGS).optional(),
});

const KIND_ZH: Record<ReadingKind, string> = { glucose: '血糖', bp: '血压', heart_rate: '心率', spo2: '血氧', temperature: '体温', weight: '体重' };

function fmtValue(kind: ReadingKind, value: number, value2: number | null): string {
  return `${kind === 'bp' ? `${value}/${value2}` : value} ${CANONICAL_UNIT[kind]}`;
}

function fmtTime(at: number): string {
  return new Date(at).toLocaleTimeString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export interface IngestReport {
  accepted: number;
  duplicates: number;
  rejected: { index: number; code: string; reason: string }[];
  alerts: { level: Alert['level']; kind: ReadingKind; conversationId: string | null }[];
}

/**
 * Medical device readings: HTTP ingest (`POST /channels/device/readings`,
 * HMAC-signed) and an MQTT subscription (one topic level is the device id).
 * Units are normalized (glucose mg/dL ÷ 18.0 → mmol/L, kPa → mmHg, °F → °C …),
 * impossible values refused with a reason, readings stored (`ingestReading`, so
 * replicas chart them), and the rules of rules.ts decide alerts; an alert opens
 * or raises the patient's device conversation (urgent for critical) with the
 * readings in the message.
 */
export class DeviceAdapter implements ChannelAdapter {
  readonly channel = 'device' as const;
  private client: MqttClient | null = null;
  private subscribed = false;
  private stopping = false;
  private readonly inFlight = new Set<Promise<unknown>>();
  mqttMessages = 0;

  constructor(
    private readonly rt: ChannelRuntime,
    private readonly cfg: DeviceConfig,
  ) {}

  private critical(kind: ReadingKind) {
    return { ...DEFAULT_CRITICAL[kind], ...(this.cfg.critical[kind] ?? {}) };
  }

  /** Validates, stores and evaluates a batch for one patient in ONE transaction. */
  async ingest(input: { deviceId?: string | undefined; contactId?: string | undefined; readings: unknown[] }): Promise<IngestReport> {
    const now = this.rt.ctx.now();
    const report: IngestReport = { accepted: 0, duplicates: 0, rejected: [], alerts: [] };
    const valid: { index: number; r: NormalizedReading; at: number; key: string }[] = [];
    input.readings.forEach((item, index) => {
      const p = reading.safeParse(item);
      if (!p.success) return report.rejected.push({ index, code: 'device.bad_reading', reason: p.error.issues[0]?.message ?? 'invalid' });
      try {
        const r = normalizeReading({ kind: p.data.kind, value: p.data.value, value2: p.data.value2 ?? null, unit: p.data.unit });
        const at = parseTime(p.data.measuredAt, now);
        if (at > now + 5 * 60_000) return report.rejected.push({ index, code: 'device.future_time', reason: 'measuredAt is in the future' });
        valid.push({ index, r, at, key: p.data.id ?? `${input.deviceId ?? input.contactId}:${r.kind}:${at}:${r.value}:${r.value2 ?? ''}` });
      } catch (e) {
        if (!(e instanceof ReadingError)) throw e;
        report.rejected.push({ index, code: e.code, reason: e.message });
      }
      return undefined;
    });
    if (report.rejected.length) this.rt.log.warn({ channel: 'device', rejected: report.rejected.slice(0, 5), deviceId: input.deviceId }, 'device readings rejected');
    if (valid.length === 0) return report;
    valid.sort((a, b) => a.at - b.at);

    await this.rt.write(async (tx) => {
      const contactId = await this.contactOf(tx, input);
      for (const v of valid) {
        const res = await this.rt.acceptIn(tx, {
          channel: 'device',
          dedupeKey: `reading:${v.key}`,
          raw: JSON.stringify({ deviceId: input.deviceId ?? null, ...v.r, at: v.at }),
          at: v.at,
          from: { contactId },
          message: null,
          extra: async (t) => {
            const row: DeviceReadingRow = { id: `r-${ulid()}`, contactId, kind: v.r.kind, value: v.r.value, value2: v.r.value2, unit: v.r.unit, deviceId: input.deviceId ?? null, measuredAt: v.at };
            await ingestReading(t, row, { at: now, actorId: null });
            const alert = await this.evaluate(t, row);
            if (alert) report.alerts.push({ level: alert.level, kind: row.kind, conversationId: await this.raise(t, row, alert, now) });
          },
        });
        if (res.duplicate) report.duplicates++;
        else report.accepted++;
      }
    });
    return report;
  }

  private async contactOf(tx: StoreTx, input: { deviceId?: string | undefined; contactId?: string | undefined }): Promise<string> {
    if (input.deviceId) {
      const b = await tx.getDeviceBinding(input.deviceId);
      if (b) return b.contactId;
      // A device registered as the patient's identity (channel "device") counts as bound.
      const ident = await tx.findIdentity('device', input.deviceId);
      if (ident) return ident.contactId;
    }
    if (input.contactId && (await tx.getContact(input.contactId))) return input.contactId;
    throw new ChannelError(ChannelErrorCode.unknownContact, input.deviceId ? `Device ${input.deviceId} is not bound to a patient` : 'Name a bound deviceId or a known contactId');
  }

  private async evaluate(tx: StoreTx, row: DeviceReadingRow): Promise<Alert | null> {
    const prev = ((await tx.getAlertState(row.contactId, row.kind)) as RuleState | null) ?? emptyState();
    const w = Math.floor(row.measuredAt / this.cfg.windowMs);
    let state = prev;
    if (state.baselineWindow !== w) {
      // The patient's own percentiles, from readings before this window (recomputed once per window).
      const hist = await tx.readingsBetween(row.contactId, row.kind, row.measuredAt - this.cfg.baselineDays * 86_400_000, w * this.cfg.windowMs - 1, 5000);
      state = { ...state, baseline: baselineOf(hist.map((h) => h.value), hist.map((h) => h.value2), this.cfg.baselineMinReadings), baselineWindow: w };
    }
    const out = step(state, { id: row.id, value: row.value, value2: row.value2, at: row.measuredAt }, { windowMs: this.cfg.windowMs, consecutive: this.cfg.consecutiveWindows, critical: this.critical(row.kind) });
    await tx.putAlertState(row.contactId, row.kind, out.state as unknown as Record<string, unknown>, row.measuredAt);
    return out.alert;
  }

  /** Opens or raises the device conversation with the alert and its readings. */
  private async raise(tx: StoreTx, row: DeviceReadingRow, alert: Alert, now: number): Promise<string | null> {
    const readings = (await tx.readingsBetween(row.contactId, row.kind, 0, Number.MAX_SAFE_INTEGER, 200)).filter((r) => alert.readingIds.includes(r.id));
    const title = alert.level === 'critical' ? '【危急值】' : '【异常趋势】';
    const body = [
      `${title}${KIND_ZH[row.kind]} ${fmtValue(row.kind, row.value, row.value2)}（${alert.reason}）`,
      `读数：${readings.map((r) => `${fmtTime(r.measuredAt)} ${fmtValue(r.kind, r.value, r.value2)}`).join('；')}`,
      row.deviceId ? `设备：${row.deviceId}` : '',
    ]
      .filter(Boolean)
      .join('\n');
    const alertId = `al-${ulid()}`;
    const res = await this.rt.acceptIn(tx, {
      channel: 'device',
      dedupeKey: `alert:${alertId}`,
      raw: JSON.stringify({ alertId, ...alert, kind: row.kind }),
      at: row.measuredAt,
      from: { contactId: row.contactId },
      subject: `${KIND_ZH[row.kind]}监测`,
      message: { body, contentType: 'alert', authorName: '设备监测' },
      priority: alert.level === 'critical' ? 'urgent' : 'high',
      addTags: ['设备告警'],
    });
    if (res.conversationId && res.messageId) {
      await tx.insertAlert({ id: alertId, contactId: row.contactId, kind: row.kind, level: alert.level, reason: alert.reason, conversationId: res.conversationId, messageId: res.messageId, readingIds: alert.readingIds, createdAt: now });
    }
    return res.conversationId;
  }

  routes(app: FastifyInstance): void {
    app.post('/channels/device/readings', { config: { channel: 'device' }, bodyLimit: DEVICE_MAX_BODY }, async (req, reply) => {
      try {
        const raw = rawOf(req);
        verifyWebhook(req, this.cfg.webhookSecret!, raw, this.rt.ctx.now(), this.cfg.maxClockSkewSeconds);
        const body = decodeStructured(req, raw);
        const b = batch.safeParse(body);
        if (!b.success) throw new ChannelError(ChannelErrorCode.badPayload, b.error.issues[0]?.message ?? 'invalid');
        const readings = b.data.readings ?? [body];
        const report = await this.ingest({ deviceId: b.data.deviceId, contactId: b.data.contactId, readings });
        if (report.accepted + report.duplicates === 0) {
          throw new ChannelError(ChannelErrorCode.impossibleValue, report.rejected.map((r) => `[${r.index}] ${r.code}: ${r.reason}`).join('; ').slice(0, 500), { rejected: report.rejected });
        }
        return okBody(report);
      } catch (e) {
        return reject(req, reply, e, this.rt.log);
      }
    });
  }

  private deviceIdOf(topic: string): string | null {
    const pattern = (this.cfg.mqtt?.topic ?? '').split('/');
    const parts = topic.split('/');
    const i = pattern.indexOf('+');
    const id = i >= 0 ? parts[i] : undefined;
    return id && /^[A-Za-z0-9_.:-]{1,64}$/.test(id) ? id : null;
  }

  /** One MQTT message: answers the MQTT v5 PUBACK reason code (0 ok, 0x99 bad payload); throws on a hub failure (no ack → redelivery). */
  async onMqtt(topic: string, payload: Buffer): Promise<number> {
    this.mqttMessages++;
    const deviceId = this.deviceIdOf(topic);
    let body: unknown;
    try {
      body = JSON.parse(payload.toString('utf8'));
    } catch {
      this.rt.log.warn({ channel: 'device', topic, code: ChannelErrorCode.malformed }, 'mqtt payload is not JSON; dropped');
      return 0x99;
    }
    const b = batch.safeParse(body);
    if (!b.success || typeof body !== 'object' || body === null) {
      this.rt.log.warn({ channel: 'device', topic, code: ChannelErrorCode.badPayload }, 'mqtt payload malformed; dropped');
      return 0x99;
    }
    try {
      const report = await this.ingest({ deviceId: b.data.deviceId ?? deviceId ?? undefined, contactId: b.data.contactId, readings: b.data.readings ?? [body] });
      return report.accepted + report.duplicates > 0 || report.rejected.length === 0 ? 0 : 0x99;
    } catch (e) {
      if (e instanceof ChannelError && e.status < 500) {
        this.rt.log.warn({ channel: 'device', topic, code: e.code, reason: e.message }, 'mqtt readings rejected');
        return 0x99;
      }
      throw e;
    }
  }

  async start(): Promise<void> {
    const m = this.cfg.mqtt;
    if (!m) return;
    const client = mqtt.connect(m.url, {
      protocolVersion: 5,
      clientId: m.clientId ?? `lantern-hub-${this.rt.ctx.store.hubId.slice(-10)}`,
      // A persistent session: readings published while the hub is down wait at the broker.
      clean: false,
      properties: { sessionExpiryInterval: 7 * 86_400 },
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
      ...(m.username ? { username: m.username } : {}),
      ...(m.password ? { password: m.password } : {}),
      customHandleAcks: (topic, message, _packet, done) => {
        if (this.stopping) return;
        // PUBACK only after the commit; a hub failure leaves it unacknowledged (the broker redelivers).
        const p = this.onMqtt(topic, message).then(
          (code) => done(code),
          (e: unknown) => this.rt.log.error({ err: e, topic }, 'mqtt reading not stored; left unacknowledged for redelivery'),
        );
        this.inFlight.add(p);
        void p.finally(() => this.inFlight.delete(p));
      },
    });
    this.client = client;
    client.on('error', (e) => this.rt.log.warn({ err: e, channel: 'device' }, 'mqtt error'));
    client.on('connect', () => {
      client.subscribe(m.topic, { qos: m.qos }, (err) => {
        if (err) this.rt.log.error({ err, topic: m.topic }, 'mqtt subscribe failed');
        else {
          this.subscribed = true;
          this.rt.log.info({ topic: m.topic }, 'mqtt subscribed');
        }
      });
    });
  }

  /** Resolves once the MQTT subscription is active (tests). */
  async mqttReady(timeoutMs = 10_000): Promise<void> {
    const c = this.client;
    if (!c) throw new Error('MQTT is not configured');
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if (c.connected && this.subscribed) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error('MQTT subscription not active');
  }

  async stop(): Promise<void> {
    const c = this.client;
    this.client = null;
    if (!c) return;
    // Stop taking messages (the subscription stays: the persistent session keeps queuing while
    // the hub is down), let the ones being stored finish, then leave; unacked ones are redelivered.
    this.stopping = true;
    await Promise.allSettled([...this.inFlight]);
    await c.endAsync(true);
  }
}
