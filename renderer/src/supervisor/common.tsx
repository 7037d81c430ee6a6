import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorShape, Result } from '../../../shared/contract/result';
import { allErrorMessages, localizeError } from '../../../shared/i18n/errors';
import type { Language } from '../../../shared/domain/types';
import type { LanternClient } from '../lib/client';

export type SupClient = LanternClient['supervisor'];
export type Cached<T> = { value: T; asOf: number; stale: boolean };

/**
 * Loads a result (and reloads it every `pollMs`, or when `deps` change). Keeps the
 * last value while reloading or after an error, so the view never blanks.
 */
export function useLoad<T>(load: () => Promise<Result<T>>, deps: readonly unknown[], pollMs?: number): { data: T | null; error: ErrorShape | null; loading: boolean; reload: () => Promise<void> } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ErrorShape | null>(null);
  const [loading, setLoading] = useState(true);
  const ref = useRef(load);
  ref.current = load;
  const seq = useRef(0);
  const reload = useCallback(async () => {
    const mine = ++seq.current;
    setLoading(true);
    const r = await ref.current();
    if (mine !== seq.current) return;
    setLoading(false);
    if (r.ok) {
      setData(r.value);
      setError(null);
    } else setError(r.error);
  }, deps);
  useEffect(() => {
    void reload();
    if (!pollMs) return undefined;
    const timer = setInterval(() => void reload(), pollMs);
    return () => clearInterval(timer);
  }, [reload, pollMs]);
  return { data, error, loading, reload };
}

/** zh-CN / en text for supervisor and hub codes (qa.comment_required → supervisor.errors.comment_required). */
export function useErrorText(): (e: ErrorShape) => string {
  const { t, i18n } = useTranslation();
  return (e) => {
    const m = /^(?:qa|supervisor)\.([a-z_]+)$/.exec(e.code);
    if (m) {
      const key = `supervisor.errors.${m[1]}`;
      const text = t(key);
      if (text !== key) return text;
    }
    return allErrorMessages[e.code] ? localizeError(e.code, i18n.language as Language) : e.message;
  };
}

export function ErrorLine({ error, onDismiss }: { error: ErrorShape | null; onDismiss?: () => void }) {
  const { t } = useTranslation();
  const text = useErrorText();
  if (!error) return null;
  return (
    <div className="sup-error" role="alert" data-testid="sup-error" data-code={error.code}>
      <span>{text(error)}</span>
      <code>{error.code}</code>
      {onDismiss ? (
        <button type="button" className="link-button" onClick={onDismiss}>
          {t('errors.dismiss')}
        </button>
      ) : null}
    </div>
  );
}

export function useFormat() {
  const { i18n } = useTranslation();
  const lang = i18n.language;
  return {
    lang,
    time: (ms: number) => new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }).format(new Date(ms)),
    dateTime: (ms: number) => new Intl.DateTimeFormat(lang, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(ms)),
    date: (ms: number) => new Intl.DateTimeFormat(lang, { year: 'numeric', month: 'short', day: 'numeric' }).format(new Date(ms)),
    minutes: (ms: number | null) => {
      if (ms === null) return '—';
      const m = Math.max(0, Math.round(ms / 60_000));
      const h = Math.floor(m / 60);
      if (lang.startsWith('zh')) return h ? `${h} 小时 ${m % 60} 分` : `${m} 分钟`;
      return h ? `${h} h ${m % 60} min` : `${m} min`;
    },
    pct: (v: number | null) => (v === null ? '—' : `${v.toFixed(1).replace(/\.0$/, '')}%`),
  };
}

/** "Updated 14:05:12" — or, from the cache while the hub is unreachable, "Offline · as of 14:05". */
export function AsOf({ cached }: { cached: { asOf: number; stale: boolean } | null }) {
  const { t } = useTranslation();
  const f = useFormat();
  if (!cached) return null;
  return (
    <span className={`sup-asof${cached.stale ? ' stale' : ''}`} data-testid="sup-asof" data-stale={cached.stale}>
      {cached.stale ? t('supervisor.staleAsOf', { time: f.dateTime(cached.asOf) }) : t('supervisor.asOf', { time: f.time(cached.asOf) })}
    </span>
  );
}

export function Stat({ label, value, tone, testId }: { label: string; value: ReactNode; tone?: 'warn' | 'bad' | 'ok'; testId?: string }) {
  return (
    <div className={`sup-stat${tone ? ` tone-${tone}` : ''}`} data-testid={testId}>
      <div className="sup-stat-value">{value}</div>
      <div className="sup-stat-label">{label}</div>
    </div>
  );
}

/** Sentiment level −2…+2 as a colour. */
export const LEVEL_COLORS = ['#c62828', '#ef8a62', '#b0bec5', '#7fbf7b', '#2e7d32'] as const;
export const levelColor = (level: number) => LEVEL_COLORS[Math.max(0, Math.min(4, Math.round(level) + 2))]!;
