// Moving a selection through the rows of a list view (runtimes, jobs), by key so it survives re-sorting.

/** The key of the row `delta` rows from the selected one (from the first row when none is), clamped to the list. */
export function keyAfterMove<T>(rows: readonly T[], key: (row: T) => string, selected: string | undefined, delta: number): string | undefined {
  if (!rows.length) return undefined;
  const i = rows.findIndex((r) => key(r) === selected);
  return key(rows[Math.max(0, Math.min(rows.length - 1, (i < 0 ? 0 : i) + delta))]!);
}

/** The key of the first or last row. */
export function keyAtEdge<T>(rows: readonly T[], key: (row: T) => string, where: 'top' | 'bottom'): string | undefined {
  const row = where === 'top' ? rows[0] : rows[rows.length - 1];
  return row === undefined ? undefined : key(row);
}

/** The value after `current` in `values`, wrapping around (for "sort by the next column"). */
export function nextInCycle<T>(values: readonly T[], current: T): T {
  return values[(values.indexOf(current) + 1) % values.length]!;
}
