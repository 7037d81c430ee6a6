import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

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

function fromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {};
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
    const checked = hubConfigSchema.safeParse(file);
    if (!checked.success) throw new ConfigError(`${path} is invalid: ${z.prettifyError(checked.error)}`);
  }
  const envPart = fromEnv(env);
  const checkedEnv = hubConfigSchema.safeParse(envPart);
  if (!checkedEnv.success) throw new ConfigError(`Environment is invalid: ${z.prettifyError(checkedEnv.error)}`);
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const merged = hubConfigSchema.safeParse({ ...file, ...envPart, ...defined });
  if (!merged.success) throw new ConfigError(`Configuration is invalid: ${z.prettifyError(merged.error)}`);
  return merged.data;
}
