// Times as people in China read them: China Standard Time, short and relative.
const fmt = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
  hour12: false,
});

export function formatTime(iso: string | undefined): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  return Number.isNaN(t) ? '—' : fmt.format(t);
}

// "剩 3小时12分" / "超时 2天5小时": the largest two units are enough to act on.
export function formatRemaining(ms: number): string {
  const past = ms < 0;
  let s = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86400); s -= d * 86400;
  const h = Math.floor(s / 3600); s -= h * 3600;
  const m = Math.floor(s / 60); s -= m * 60;
  const text = d > 0 ? `${d}天${h}小时` : h > 0 ? `${h}小时${m}分` : m > 0 ? `${m}分${s}秒` : `${s}秒`;
  return past ? `超时 ${text}` : `剩 ${text}`;
}

export function formatDuration(seconds: number): string {
  if (!seconds) return '—';
  const h = seconds / 3600;
  return h >= 1 ? `${h.toFixed(1)}小时` : `${Math.round(seconds / 60)}分钟`;
}
