// A job output whose every byte is known: N numbered lines of about 100 bytes ("i xxx…"), printed by a
// busybox runtime's seq and sed. What a reader got can be checked against any stretch of it exactly.

export const PAD = 'x'.repeat(90);

/** The command that prints lines 1..n. */
export const numberedCommand = (n: number): string[] => ['sh', '-c', `seq 1 ${n} | sed 's/$/ ${PAD}/'`];

export const numberedLine = (i: number): string => `${i} ${PAD}`;

/** Bytes of lines 1..n (0 for n = 0). */
export function numberedBytes(n: number): number {
  let total = 0;
  for (let digits = 1, lo = 1; lo <= n; digits++, lo *= 10) total += Math.max(0, Math.min(n, lo * 10 - 1) - lo + 1) * (digits + PAD.length + 2);
  return total;
}

/** Bytes [from, to) of what `numberedCommand(n)` prints. */
export function numberedSlice(n: number, from: number, to = numberedBytes(n)): string {
  // the line that holds byte `from`
  let lo = 1;
  let hi = n;
  while (lo < hi) {
    const mid = Math.floor((lo + hi + 1) / 2);
    if (numberedBytes(mid - 1) <= from) lo = mid;
    else hi = mid - 1;
  }
  const parts: string[] = [];
  let length = 0;
  for (let i = lo; i <= n && numberedBytes(lo - 1) + length < to; i++) {
    const l = numberedLine(i) + '\n';
    parts.push(l);
    length += l.length;
  }
  const text = parts.join('');
  const start = numberedBytes(lo - 1);
  return text.slice(from - start, to - start);
}
