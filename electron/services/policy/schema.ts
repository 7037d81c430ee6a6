import { z } from 'zod';

/**
 * The machine policy: what hospital IT fixes for every user of a workstation.
 * Every field is optional (absent = not locked). Unknown fields are an error: a typo
 * in a policy must not be silently ignored.
 *
 * {
 *   "hubUrl": "https://lantern-hub.hospital.example.cn",
 *   "autoLockMinutes": 5,
 *   "updates": { "enabled": true, "channel": "stable", "allowedChannels": ["stable", "pilot"] },
 *   "logLevel": "info"
 * }
 */
export const CHANNEL_RE = /^[a-z][a-z0-9-]{0,31}$/;
export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type PolicyLogLevel = (typeof LOG_LEVELS)[number];
export const AUTO_LOCK_RANGE = { min: 1, max: 240 } as const;

function isHubUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.username === '' && u.password === '' && u.search === '' && u.hash === '';
  } catch {
    return false;
  }
}

export const channelSchema = z.string().regex(CHANNEL_RE);

export const policySchema = z
  .strictObject({
    hubUrl: z.string().trim().refine(isHubUrl).optional(),
    autoLockMinutes: z.number().int().min(AUTO_LOCK_RANGE.min).max(AUTO_LOCK_RANGE.max).optional(),
    updates: z
      .strictObject({
        enabled: z.boolean().optional(),
        channel: channelSchema.optional(),
        allowedChannels: z.array(channelSchema).min(1).max(16).optional(),
      })
      .optional(),
    logLevel: z.enum(LOG_LEVELS).optional(),
  })
  .superRefine((p, ctx) => {
    const u = p.updates;
    if (u?.channel && u.allowedChannels && !u.allowedChannels.includes(u.channel)) {
      ctx.addIssue({ code: 'custom', path: ['updates', 'channel'], message: 'channel is not in allowedChannels', params: { lantern: 'channel_not_allowed' } });
    }
  });

export type Policy = z.infer<typeof policySchema>;

/** What each field must look like, in both languages: the error dialog names the field and says this. */
export const FIELD_HELP: Record<string, { 'zh-CN': string; en: string }> = {
  hubUrl: { 'zh-CN': '必须是以 https:// 或 http:// 开头的完整网址，例如 https://lantern-hub.hospital.example.cn', en: 'must be a full https:// or http:// URL, e.g. https://lantern-hub.hospital.example.cn' },
  autoLockMinutes: {
    'zh-CN': `必须是 ${AUTO_LOCK_RANGE.min} 到 ${AUTO_LOCK_RANGE.max} 之间的整数（分钟）`,
    en: `must be a whole number of minutes from ${AUTO_LOCK_RANGE.min} to ${AUTO_LOCK_RANGE.max}`,
  },
  updates: { 'zh-CN': '必须是对象，例如 {"enabled": true, "channel": "stable"}', en: 'must be an object, e.g. {"enabled": true, "channel": "stable"}' },
  'updates.enabled': { 'zh-CN': '必须是 true 或 false', en: 'must be true or false' },
  'updates.channel': { 'zh-CN': '必须是小写字母开头的通道名（a-z、0-9、-），例如 stable', en: 'must be a channel name of lower-case letters, digits and - (starting with a letter), e.g. stable' },
  'updates.allowedChannels': { 'zh-CN': '必须是通道名数组（1 到 16 个），例如 ["stable", "pilot"]', en: 'must be a list of 1 to 16 channel names, e.g. ["stable", "pilot"]' },
  logLevel: { 'zh-CN': `必须是 ${LOG_LEVELS.join('、')} 之一`, en: `must be one of ${LOG_LEVELS.join(', ')}` },
};
