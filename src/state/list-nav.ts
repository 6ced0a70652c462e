// Helpers of the list views (runtimes, jobs): the rows shown, and moving the selection through them by key (so it survives re-sorting).

/** The key of the row `delta` rows from the selected one (from the first row when none is), clamped to the list. */
export function keyAfterMove<T>(rows: readonly T[], key: (row: T) => string, selected: string | undefined, delta: number): string | undefined {
  if (!rows.length) return undefined;
  const i = rows.findIndex((r) => key(r) === selected);
  return key(rows[Math.max(0, Math.min(rows.length - 1, Math.max(i, 0) + delta))]!);
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

/**
 * The rows a list view shows, recomputed only when one of its inputs (the list, filter, sort…) is a different
 * value than last time, so views that ask on every frame get the same array back.
 */
export function memoRows<T>(inputs: () => readonly unknown[], compute: () => T[]): () => T[] {
  let last: { inputs: readonly unknown[]; rows: T[] } | undefined;
  return () => {
    const now = inputs();
    if (last && last.inputs.length === now.length && last.inputs.every((v, i) => v === now[i])) return last.rows;
    last = { inputs: now, rows: compute() };
    return last.rows;
  };
}
