import { z } from 'zod';
import { channelSchema, idSchema } from '../../shared/domain/types';
import { readingKinds } from '../../shared/sync/entities';

/**
 * `channels` in `<data>/hub.json` (docs/channels.md). Every channel but the web
 * chat widget is off until configured; an enabled channel must have its secrets.
 */

const secret = z.string().min(1);
const skew = z.number().int().min(10).max(86_400).default(300);
const team = idSchema.optional();
const MiB = 1024 * 1024;

export const webchatConfigSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Origins allowed to open the widget socket / upload (the hospital's web site). `*` = any. */
  allowedOrigins: z.array(z.string().min(1)).default(['*']),
  maxImageBytes: z.number().int().min(1024).max(20 * MiB).default(5 * MiB),
  maxTextChars: z.number().int().min(1).max(4000).default(2000),
  teamId: team,
});

const wechatCommon = {
  enabled: z.boolean().default(false),
  token: secret.optional(),
  /** 43 characters: base64 of the 32-byte AES key without its trailing "=". */
  encodingAesKey: z.string().regex(/^[A-Za-z0-9+/]{43}$/, 'EncodingAESKey must be 43 base64 characters').optional(),
  maxClockSkewSeconds: skew,
  teamId: team,
  /** Outbound API calls give up after this long. */
  timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
};

export const wechatConfigSchema = z
  .strictObject({
    ...wechatCommon,
    appId: z.string().min(1).optional(),
    appSecret: secret.optional(),
    /** `safe`: only encrypted callbacks; `compat`: both; `plain`: no encryption (test accounts only). */
    mode: z.enum(['safe', 'compat', 'plain']).default('safe'),
    apiBase: z.url().default('https://api.weixin.qq.com'),
    /** Menu CLICK EventKey → department skill for routing. */
    menuDepartments: z.record(z.string(), z.string()).default({}),
  })
  .superRefine((c, ctx) => {
    if (!c.enabled) return;
    for (const k of ['appId', 'appSecret', 'token'] as const) if (!c[k]) ctx.addIssue({ code: 'custom', path: [k], message: `${k} is required when wechat is enabled` });
    if (c.mode !== 'plain' && !c.encodingAesKey) ctx.addIssue({ code: 'custom', path: ['encodingAesKey'], message: 'encodingAesKey is required in safe/compat mode' });
  });

export const wecomConfigSchema = z
  .strictObject({
    ...wechatCommon,
    corpId: z.string().min(1).optional(),
    corpSecret: secret.optional(),
    agentId: z.number().int().nonnegative().optional(),
    apiBase: z.url().default('https://qyapi.weixin.qq.com'),
  })
  .superRefine((c, ctx) => {
    if (!c.enabled) return;
    for (const k of ['corpId', 'corpSecret', 'token', 'encodingAesKey', 'agentId'] as const) {
      if (c[k] === undefined) ctx.addIssue({ code: 'custom', path: [k], message: `${k} is required when wecom is enabled` });
    }
  });

/** HMAC-signed JSON/form webhooks (SMS, PBX, device HTTP ingest). */
const webhook = {
  enabled: z.boolean().default(false),
  /** HMAC-SHA256 key for `X-Lantern-Signature` (docs/channels.md §Signatures). */
  webhookSecret: secret.optional(),
  maxClockSkewSeconds: skew,
  teamId: team,
};
const needsSecret = (name: string) => (c: { enabled: boolean; webhookSecret?: string | undefined }, ctx: z.RefinementCtx) => {
  if (c.enabled && !c.webhookSecret) ctx.addIssue({ code: 'custom', path: ['webhookSecret'], message: `webhookSecret is required when ${name} is enabled` });
};

export const smsConfigSchema = z
  .strictObject({
    ...webhook,
    gateway: z
      .strictObject({
        url: z.url(),
        apiKey: secret.optional(),
        headers: z.record(z.string(), z.string()).default({}),
        timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
      })
      .optional(),
    /** Whole-message replies that withdraw consent (case-insensitive, trimmed). */
    optOutWords: z.array(z.string().min(1)).default(['退订', 'TD', 'STOP', 'T']),
    optInWords: z.array(z.string().min(1)).default(['订阅', 'START']),
  })
  .superRefine(needsSecret('sms'));

export const emailConfigSchema = z
  .strictObject({
    enabled: z.boolean().default(false),
    listen: z.strictObject({ port: z.number().int().min(0).max(65535).default(2525), host: z.string().min(1).default('127.0.0.1') }).default({ port: 2525, host: '127.0.0.1' }),
    /** RCPT TO addresses accepted (lower case). Empty = any address at `domain`. */
    inboundAddresses: z.array(z.string().min(3)).default([]),
    /** Our domain: Message-IDs of replies are `<id@domain>`. */
    domain: z.string().min(1).default('lantern.local'),
    maxMessageBytes: z.number().int().min(1024).max(100 * MiB).default(25 * MiB),
    maxAttachmentBytes: z.number().int().min(1).max(50 * MiB).default(10 * MiB),
    maxAttachments: z.number().int().min(0).max(50).default(10),
    outbound: z
      .strictObject({
        host: z.string().min(1),
        port: z.number().int().min(1).max(65535).default(25),
        secure: z.boolean().default(false),
        requireTLS: z.boolean().default(false),
        ignoreTLS: z.boolean().default(false),
        auth: z.strictObject({ user: z.string().min(1), pass: secret }).optional(),
        from: z.string().min(3),
        timeoutMs: z.number().int().min(100).max(120_000).default(20_000),
      })
      .optional(),
    /** Optional IMAP polling (needs the `imapflow` package, not installed by default). */
    imap: z.strictObject({ host: z.string().min(1), port: z.number().int().default(993), user: z.string().min(1), pass: secret, mailbox: z.string().default('INBOX') }).optional(),
    teamId: team,
  });

export const phoneConfigSchema = z
  .strictObject({
    ...webhook,
    /** Tag put on a conversation when a call was missed (a callback task in the queue). */
    callbackTag: z.string().min(1).max(32).default('回拨'),
  })
  .superRefine(needsSecret('phone'));

const limits = z.strictObject({ low: z.number().optional(), high: z.number().optional(), low2: z.number().optional(), high2: z.number().optional() });
export const deviceConfigSchema = z
  .strictObject({
    ...webhook,
    mqtt: z
      .strictObject({
        url: z.string().regex(/^(mqtts?|wss?|tcp):\/\//, 'mqtt url must start with mqtt://, mqtts://, ws:// or wss://'),
        topic: z.string().min(1).default('lantern/devices/+/readings'),
        username: z.string().optional(),
        password: z.string().optional(),
        clientId: z.string().optional(),
        qos: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(1),
      })
      .optional(),
    /** Consecutive abnormal one-minute windows before an alert (critical values alert at once). */
    consecutiveWindows: z.number().int().min(1).max(60).default(3),
    windowMs: z.number().int().min(1000).max(3_600_000).default(60_000),
    /** A patient's own 10th/90th percentiles need this many readings of the kind. */
    baselineMinReadings: z.number().int().min(5).max(10_000).default(20),
    baselineDays: z.number().int().min(1).max(365).default(30),
    /** Absolute critical limits per kind (normalized units) overriding the defaults. */
    critical: z.partialRecord(z.enum(readingKinds), limits).default({}),
  })
  .superRefine(needsSecret('device'));

export const outboundConfigSchema = z.strictObject({
  pollMs: z.number().int().min(10).max(60_000).default(250),
  maxAttempts: z.number().int().min(1).max(50).default(6),
  baseBackoffMs: z.number().int().min(10).max(600_000).default(1000),
  maxBackoffMs: z.number().int().min(10).max(86_400_000).default(300_000),
  sendTimeoutMs: z.number().int().min(100).max(300_000).default(15_000),
});

export const channelsConfigSchema = z.strictObject({
  webchat: webchatConfigSchema.default(webchatConfigSchema.parse({})),
  wechat: wechatConfigSchema.default(wechatConfigSchema.parse({})),
  wecom: wecomConfigSchema.default(wecomConfigSchema.parse({})),
  sms: smsConfigSchema.default(smsConfigSchema.parse({})),
  email: emailConfigSchema.default(emailConfigSchema.parse({})),
  phone: phoneConfigSchema.default(phoneConfigSchema.parse({})),
  device: deviceConfigSchema.default(deviceConfigSchema.parse({})),
  outbound: outboundConfigSchema.default(outboundConfigSchema.parse({})),
  /** Team of new conversations no routing queue claims (default: the first team by id). */
  defaultTeamId: idSchema.optional(),
});
export type ChannelsConfig = z.infer<typeof channelsConfigSchema>;
export type ChannelsConfigInput = z.input<typeof channelsConfigSchema>;

/** Secrets may come from the environment instead of hub.json (path inside `channels`). */
export const CHANNEL_SECRET_ENV: Record<string, readonly string[]> = {
  LANTERN_HUB_WECHAT_APP_SECRET: ['wechat', 'appSecret'],
  LANTERN_HUB_WECHAT_TOKEN: ['wechat', 'token'],
  LANTERN_HUB_WECHAT_AES_KEY: ['wechat', 'encodingAesKey'],
  LANTERN_HUB_WECOM_SECRET: ['wecom', 'corpSecret'],
  LANTERN_HUB_WECOM_TOKEN: ['wecom', 'token'],
  LANTERN_HUB_WECOM_AES_KEY: ['wecom', 'encodingAesKey'],
  LANTERN_HUB_SMS_WEBHOOK_SECRET: ['sms', 'webhookSecret'],
  LANTERN_HUB_SMS_API_KEY: ['sms', 'gateway', 'apiKey'],
  LANTERN_HUB_SMTP_PASSWORD: ['email', 'outbound', 'auth', 'pass'],
  LANTERN_HUB_PBX_SECRET: ['phone', 'webhookSecret'],
  LANTERN_HUB_DEVICE_SECRET: ['device', 'webhookSecret'],
  LANTERN_HUB_MQTT_PASSWORD: ['device', 'mqtt', 'password'],
};

export const channelNames = channelSchema.options;
