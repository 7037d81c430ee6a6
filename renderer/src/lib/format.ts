// Building an Intl.DateTimeFormat costs far more than using one: the inbox formats
// a time for every row it renders while scrolling, so keep one per language and shape.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(language: string, shape: 'time' | 'day' | 'dayTime'): Intl.DateTimeFormat {
  const key = `${language}|${shape}`;
  let f = formatters.get(key);
  if (!f) {
    const options: Intl.DateTimeFormatOptions =
      shape === 'time' ? { hour: '2-digit', minute: '2-digit', hour12: false } : shape === 'day' ? { month: 'short', day: 'numeric' } : { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false };
    f = new Intl.DateTimeFormat(language, options);
    formatters.set(key, f);
  }
  return f;
}

/**
 * The first Intl date formatter a page builds costs tens of milliseconds (ICU sets up its
 * date patterns); later ones cost almost nothing. Called while the first bridge call is on
 * its way, so that cost overlaps the wait instead of delaying the inbox's first rows.
 */
export function warmUpTimeFormat(language = 'zh-CN'): void {
  formatter(language, 'time').format(0);
}

/** Short time for lists: today → 14:05, earlier → 11月20日 / Nov 20. */
export function formatListTime(ms: number, language: string, now = Date.now()): string {
  const d = new Date(ms);
  const today = new Date(now);
  const sameDay = d.getFullYear() === today.getFullYear() && d.getMonth() === today.getMonth() && d.getDate() === today.getDate();
  return formatter(language, sameDay ? 'time' : 'day').format(d);
}

export function formatMessageTime(ms: number, language: string): string {
  return formatter(language, 'dayTime').format(new Date(ms));
}
