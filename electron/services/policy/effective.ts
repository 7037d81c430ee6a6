import type { PolicyView, SettingSource } from '../../../shared/contract/console';
import type { LoadedPolicy } from './load';
import { AUTO_LOCK_RANGE, CHANNEL_RE, LOG_LEVELS, type PolicyLogLevel } from './schema';

/**
 * Effective settings: machine policy > environment (what whoever starts the app may
 * set: LANTERN_HUB_URL, …) > defaults. A value from the policy is *locked*: nothing
 * else can change it, and the UI shows it read-only. A bad environment value is
 * ignored with a warning (it is not the hospital's decision); a bad policy never
 * gets here (it stops the app).
 */
export const DEFAULTS = {
  hubUrl: null as string | null,
  autoLockMinutes: 5,
  updatesEnabled: true,
  updateChannel: 'stable',
  allowedChannels: null as string[] | null,
  logLevel: 'info' as PolicyLogLevel,
};

export const ENV_KEYS = {
  hubUrl: 'LANTERN_HUB_URL',
  autoLockMinutes: 'LANTERN_AUTO_LOCK_MINUTES',
  updatesEnabled: 'LANTERN_UPDATES',
  updateChannel: 'LANTERN_UPDATE_CHANNEL',
  logLevel: 'LANTERN_LOG_LEVEL',
} as const;

export interface Setting<T> {
  value: T;
  locked: boolean;
  source: SettingSource;
}

export interface EffectiveSettings {
  hubUrl: Setting<string | null>;
  autoLockMinutes: Setting<number>;
  updatesEnabled: Setting<boolean>;
  updateChannel: Setting<string>;
  allowedChannels: Setting<string[] | null>;
  logLevel: Setting<PolicyLogLevel>;
}

export interface Effective {
  settings: EffectiveSettings;
  /** Environment values that were ignored, and why (logged at start). */
  warnings: string[];
}

type Env = Readonly<Record<string, string | undefined>>;

const fromPolicy = <T>(value: T): Setting<T> => ({ value, locked: true, source: 'policy' });
const fromEnv = <T>(value: T): Setting<T> => ({ value, locked: false, source: 'environment' });
const byDefault = <T>(value: T): Setting<T> => ({ value, locked: false, source: 'default' });

function nonEmpty(v: string | undefined): string | null {
  return v !== undefined && v.trim() !== '' ? v.trim() : null;
}

function hubUrlOk(v: string): boolean {
  try {
    const u = new URL(v);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

export function effectiveSettings(loaded: LoadedPolicy | null, env: Env): Effective {
  const p = loaded?.policy ?? {};
  const warnings: string[] = [];
  const envValue = <T>(key: keyof typeof ENV_KEYS, parse: (raw: string) => T | undefined): T | undefined => {
    const raw = nonEmpty(env[ENV_KEYS[key]]);
    if (raw === null) return undefined;
    const v = parse(raw);
    if (v === undefined) warnings.push(`${ENV_KEYS[key]}=${JSON.stringify(raw).slice(0, 80)} ignored: not a valid value`);
    return v;
  };
  const pick = <T>(policyValue: T | undefined, key: keyof typeof ENV_KEYS, parse: (raw: string) => T | undefined, fallback: T): Setting<T> => {
    if (policyValue !== undefined) {
      if (nonEmpty(env[ENV_KEYS[key]]) !== null) warnings.push(`${ENV_KEYS[key]} ignored: the machine policy sets this`);
      return fromPolicy(policyValue);
    }
    const e = envValue(key, parse);
    return e !== undefined ? fromEnv(e) : byDefault(fallback);
  };

  const hubUrl = pick<string | null>(p.hubUrl, 'hubUrl', (raw) => (hubUrlOk(raw) ? raw : undefined), DEFAULTS.hubUrl);
  const autoLockMinutes = pick(
    p.autoLockMinutes,
    'autoLockMinutes',
    (raw) => (/^\d+$/.test(raw) && Number(raw) >= AUTO_LOCK_RANGE.min && Number(raw) <= AUTO_LOCK_RANGE.max ? Number(raw) : undefined),
    DEFAULTS.autoLockMinutes,
  );
  const updatesEnabled = pick(
    p.updates?.enabled,
    'updatesEnabled',
    (raw) => (/^(1|true|on|yes)$/i.test(raw) ? true : /^(0|false|off|no)$/i.test(raw) ? false : undefined),
    DEFAULTS.updatesEnabled,
  );
  const allowedChannels: Setting<string[] | null> = p.updates?.allowedChannels ? fromPolicy(p.updates.allowedChannels) : byDefault(DEFAULTS.allowedChannels);
  const allowed = allowedChannels.value;
  const updateChannel = pick(
    p.updates?.channel,
    'updateChannel',
    (raw) => (CHANNEL_RE.test(raw) && (allowed === null || allowed.includes(raw)) ? raw : undefined),
    // With an allow-list but no channel, the first allowed one is the default.
    allowed?.[0] ?? DEFAULTS.updateChannel,
  );
  const logLevel = pick(p.logLevel, 'logLevel', (raw) => ((LOG_LEVELS as readonly string[]).includes(raw) ? (raw as PolicyLogLevel) : undefined), DEFAULTS.logLevel);
  return { settings: { hubUrl, autoLockMinutes, updatesEnabled, updateChannel, allowedChannels, logLevel }, warnings };
}

/** The contract's `policy.get` value. */
export function policyView(loaded: LoadedPolicy | null, settings: EffectiveSettings, file: string): PolicyView {
  return {
    file: loaded?.file ?? file,
    fileFound: loaded?.fileFound ?? false,
    registryKey: loaded?.registryKey ?? null,
    registryFound: loaded?.registryFound ?? false,
    settings,
  };
}
