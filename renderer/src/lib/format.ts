// Times in lists (the inbox, the connection indicator, past conversations) are written
// by hand for the two languages Lantern ships: the inbox's first frame must not wait for
// ICU (building the first Intl.DateTimeFormat of a page costs ~90 ms in Chromium on a
// clinic PC), and a 24-hour clock reads 00:05 at midnight (en with `hour12: false` says
// 24:05). Other languages and the conversation view's longer stamps use Intl.

const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

const two = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** 14:05 — a 24-hour clock in both languages. */
function clock(d: Date): string {
  return `${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** 11月20日 / Nov 20; null for a language written only by Intl. */
function shortDay(d: Date, language: string): string | null {
  if (language === 'zh-CN' || language === 'zh') return `${d.getMonth() + 1}月${d.getDate()}日`;
  if (language === 'en' || language.startsWith('en-')) return `${EN_MONTHS[d.getMonth()]} ${d.getDate()}`;
  return null;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(language: string, shape: 'day' | 'dayTime'): Intl.DateTimeFormat {
  const key = `${language}|${shape}`;
  let f = formatters.get(key);
  if (!f) {
    const options: Intl.DateTimeFormatOptions =
      shape === 'day' ? { month: 'short', day: 'numeric' } : { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
    f = new Intl.DateTimeFormat(language, options);
    formatters.set(key, f);
  }
  return f;
}

/** Short time for lists: today → 14:05, earlier → 11月20日 / Nov 20. */
export function formatListTime(ms: number, language: string, now = Date.now()): string {
  const d = new Date(ms);
  const today = new Date(now);
  const sameDay = d.getFullYear() === today.getFullYear() && d.getMonth() === today.getMonth() && d.getDate() === today.getDate();
  if (sameDay) return clock(d);
  return shortDay(d, language) ?? formatter(language, 'day').format(d);
}

export function formatMessageTime(ms: number, language: string): string {
  return formatter(language, 'dayTime').format(new Date(ms));
}
