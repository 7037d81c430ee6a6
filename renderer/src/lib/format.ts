/** Short time for lists: today → 14:05, earlier → 11月20日 / Nov 20. */
export function formatListTime(ms: number, language: string, now = Date.now()): string {
  const d = new Date(ms);
  const today = new Date(now);
  const sameDay = d.toDateString() === today.toDateString();
  return new Intl.DateTimeFormat(language, sameDay ? { hour: '2-digit', minute: '2-digit', hour12: false } : { month: 'short', day: 'numeric' }).format(d);
}

export function formatMessageTime(ms: number, language: string): string {
  return new Intl.DateTimeFormat(language, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(ms));
}
