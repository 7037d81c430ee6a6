import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { CHANNEL_SECRET_ENV, channelsConfigSchema } from '../channels/config';
import { routingConfigSchema } from '../routing/config';

export const surveysConfigSchema = z.strictObject({
  /** Run the survey scheduler (false: surveys go out only on `POST /qa/surveys/run`). */
  enabled: z.boolean().default(true),
  /** Seconds between scheduler ticks. */
  tickSeconds: z.number().int().min(1).max(3600).default(60),
  /** How long after sending a bare score from the patient counts as the answer. */
  answerWindowHours: z.number().int().min(1).max(30 * 24).default(7 * 24),
});

/** `<data>/hub.json`. Every field is optional; unknown fields are an error (a typo must not be silently ignored). */
export const hubConfigSchema = z.strictObject({
  port: z.number().int().min(0).max(65535).default(8787),
  host: z.string().min(1).default('127.0.0.1'),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  accessTokenTtlSeconds: z.number().int().min(30).max(3600).default(900),
  refreshTokenTtlDays: z.number().int().min(1).max(90).default(14),
  /** `auto`: a workstation is registered at its first successful login. `manual`: only `workstation add` registers. */
  workstationRegistration: z.enum(['auto', 'manual']).default('auto'),
  lockout: z
    .strictObject({
      maxAttempts: z.number().int().min(1).max(50).default(5),
      minutes: z.number().int().min(1).max(24 * 60).default(15),
    })
    .default({ maxAttempts: 5, minutes: 15 }),
  /** Seed the demo clinic and demo users into an empty database. */
  demo: z.boolean().default(false),
  /** Patient channels (docs/channels.md). */
  channels: channelsConfigSchema.default(channelsConfigSchema.parse({})),
  /** Queues, assignment, overflow (docs/channels.md §Routing). */
  routing: routingConfigSchema.default(routingConfigSchema.parse({})),
  /** CSAT/NPS sending and answering (docs/supervisor.md §CSAT and NPS). What is sent to whom is in the survey settings (`/qa/surveys/settings`). */
  surveys: surveysConfigSchema.default(surveysConfigSchema.parse({})),
});
export type HubConfig = z.infer<typeof hubConfigSchema>;
export type HubConfigInput = z.input<typeof hubConfigSchema>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Environment variables and the config keys they set. */
export const ENV_KEYS = {
  LANTERN_HUB_PORT: 'port',
  LANTERN_HUB_HOST: 'host',
  LANTERN_HUB_LOG_LEVEL: 'logLevel',
  LANTERN_HUB_ACCESS_TTL: 'accessTokenTtlSeconds',
  LANTERN_HUB_WORKSTATIONS: 'workstationRegistration',
  LANTERN_HUB_DEMO: 'demo',
} as const;

/** Sections merged key by key (not replaced) across hub.json, environment and overrides. */
const DEEP_KEYS = ['channels', 'routing', 'surveys'] as const;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deepMerge(a: unknown, b: unknown): unknown {
  if (!isObject(a) || !isObject(b)) return b === undefined ? a : b;
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = deepMerge(a[k], v);
  return out;
}

function setPath(obj: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let cur = obj;
  for (const k of path.slice(0, -1)) {
    if (!isObject(cur[k])) cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  cur[path[path.length - 1]!] = value;
}

function fromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // LANTERN_HUB_CHANNELS / LANTERN_HUB_ROUTING: a JSON object merged over hub.json's section.
  for (const [name, key] of [['LANTERN_HUB_CHANNELS', 'channels'], ['LANTERN_HUB_ROUTING', 'routing']] as const) {
    const v = env[name];
    if (v === undefined || v === '') continue;
    try {
      out[key] = JSON.parse(v) as unknown;
    } catch (e) {
      throw new ConfigError(`${name} is not valid JSON: ${(e as Error).message}`);
    }
  }
  for (const [name, path] of Object.entries(CHANNEL_SECRET_ENV)) {
    const v = env[name];
    if (v === undefined || v === '') continue;
    if (!isObject(out.channels)) out.channels = {};
    setPath(out.channels as Record<string, unknown>, path, v);
  }
  for (const [name, key] of Object.entries(ENV_KEYS)) {
    const v = env[name];
    if (v === undefined || v === '') continue;
    if (key === 'port' || key === 'accessTokenTtlSeconds') out[key] = /^\d+$/.test(v) ? Number(v) : v;
    else if (key === 'demo') out[key] = v === '1' || v.toLowerCase() === 'true';
    else out[key] = v;
  }
  return out;
}

/**
 * Effective configuration: defaults < `<data>/hub.json` < environment < explicit
 * overrides (CLI flags, createHub options). Throws ConfigError naming the source.
 */
export function loadConfig(dataDir: string, env: NodeJS.ProcessEnv = process.env, overrides: HubConfigInput = {}): HubConfig {
  const path = join(dataDir, 'hub.json');
  let file: Record<string, unknown> = {};
  if (existsSync(path)) {
    try {
      file = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    } catch (e) {
      throw new ConfigError(`${path} is not valid JSON: ${(e as Error).message}`);
    }
    if (typeof file !== 'object' || file === null || Array.isArray(file)) throw new ConfigError(`${path} must hold a JSON object`);
    // channels/routing are checked once merged with the environment (secrets may come from there).
    const checked = hubConfigSchema.safeParse(Object.fromEntries(Object.entries(file).filter(([k]) => !(DEEP_KEYS as readonly string[]).includes(k))));
    if (!checked.success) throw new ConfigError(`${path} is invalid: ${z.prettifyError(checked.error)}`);
  }
  const envPart = fromEnv(env);
  // Environment values are checked on their own only where they do not complete a
  // hub.json section (a secret alone is not a valid channel section).
  const envFlat = Object.fromEntries(Object.entries(envPart).filter(([k]) => !(DEEP_KEYS as readonly string[]).includes(k)));
  const checkedEnv = hubConfigSchema.safeParse(envFlat);
  if (!checkedEnv.success) throw new ConfigError(`Environment is invalid: ${z.prettifyError(checkedEnv.error)}`);
  const defined: Record<string, unknown> = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const combined: Record<string, unknown> = { ...file, ...envPart, ...defined };
  for (const k of DEEP_KEYS) combined[k] = deepMerge(deepMerge(file[k], envPart[k]), defined[k]);
  for (const k of DEEP_KEYS) if (combined[k] === undefined) delete combined[k];
  const merged = hubConfigSchema.safeParse(combined);
  if (!merged.success) throw new ConfigError(`Configuration is invalid (hub.json + environment + overrides): ${z.prettifyError(merged.error)}`);
  return merged.data;
}
