// Small text helpers for fixed-width terminal layouts.

/** Pads or cuts `s` to exactly `w` columns (cut with the ellipsis). */
export function fit(s: string, w: number, ellipsis = '…', align: 'left' | 'right' = 'left'): string {
  if (w <= 0) return '';
  if (s.length > w) return w <= ellipsis.length ? s.slice(0, w) : s.slice(0, w - ellipsis.length) + ellipsis;
  return align === 'left' ? s.padEnd(w) : s.padStart(w);
}

/** `1h02m`, `3m05s`, `4.2s`. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '-';
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86400)}d${String(Math.floor((s % 86400) / 3600)).padStart(2, '0')}h`;
}

/** Splits a line into rows of at most `w` columns (at least one row). */
export function wrapRows(line: string, w: number): string[] {
  if (w <= 0 || line.length <= w) return [line];
  const rows: string[] = [];
  for (let i = 0; i < line.length; i += w) rows.push(line.slice(i, i + w));
  return rows;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
