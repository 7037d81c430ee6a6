import { useEffect, useState } from 'react';

/** A clock that ticks every `ms`, for SLA timers and the recall countdown. */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

/** 4 分 / 1 小时 5 分 — short durations for timers. */
export function formatDuration(ms: number, language: string): string {
  const minutes = Math.max(1, Math.round(Math.abs(ms) / 60_000));
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (language.startsWith('zh')) return h ? `${h} 小时${m ? ` ${m} 分` : ''}` : `${m} 分钟`;
  return h ? `${h} h${m ? ` ${m} min` : ''}` : `${m} min`;
}
