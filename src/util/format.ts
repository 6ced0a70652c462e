import prettyBytes from 'pretty-bytes';
import { printable } from './printable.js';

export function formatBytes(n: number): string {
  return prettyBytes(n, { binary: true, maximumFractionDigits: 1 });
}

/** Renders rows as left-aligned columns separated by two spaces. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

export function formatDate(iso: string | undefined): string {
  if (!iso) return '-';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '-';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * A command line on one line, as a shell would take it back: arguments with spaces or quotes are
 * single-quoted, and control characters (a newline in `python -c`…) are shown as escapes.
 */
export function formatCommand(argv: readonly string[]): string {
  return argv.map(quoteArg).join(' ');
}

function quoteArg(arg: string): string {
  return shellQuote(printable(arg.replace(/\n/g, '\\n').replace(/\t/g, '\\t')));
}

/** One word as a POSIX shell reads it back: as it is when plain, else single-quoted. */
export function shellQuote(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A finished job's peak memory, saying which figure it is: its working set, or usage with the page cache. */
export function formatPeakMemory(usage: { peakMemory: number; peakWorkingSet?: number }): string {
  return usage.peakWorkingSet !== undefined
    ? `peak ${formatBytes(usage.peakWorkingSet)} working set (${formatBytes(usage.peakMemory)} with page cache)`
    : `peak ${formatBytes(usage.peakMemory)} (page cache included)`;
}
