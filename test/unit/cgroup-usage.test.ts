import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readUsage } from '../../src/metrics/cgroup-usage.js';

const MiB = 2 ** 20;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function fakeV1(stat: Record<string, number>, usage: number): string {
  const d = mkdtempSync(join(tmpdir(), 'rnx-cg-'));
  dirs.push(d);
  writeFileSync(join(d, 'memory.usage_in_bytes'), String(usage));
  writeFileSync(
    join(d, 'memory.stat'),
    Object.entries(stat)
      .map(([k, v]) => `${k} ${v}`)
      .join('\n'),
  );
  return d;
}

describe('the working set', () => {
  it("leaves out the job's own output in the page cache, active or not (a follower's reads make it active)", () => {
    // 3 MiB of anonymous memory, 252 MiB of output cache of which a reader made 200 MiB active, 1 MiB mapped libraries
    const d = fakeV1(
      { total_rss: 3 * MiB, total_cache: 253 * MiB, total_inactive_file: 52 * MiB, total_active_file: 201 * MiB, total_mapped_file: 1 * MiB },
      256 * MiB,
    );
    const r = readUsage('v1', { memory: d });
    expect(r.memoryWorkingSet).toBe(4 * MiB);
    expect(r.memoryCache).toBe(253 * MiB);
    expect(r.memoryCurrent).toBe(256 * MiB);
  });

  it('keeps mapped files (programs, libraries) in it, and never goes below 0', () => {
    const d = fakeV1({ total_inactive_file: 10 * MiB, total_active_file: 5 * MiB, total_mapped_file: 5 * MiB }, 20 * MiB);
    expect(readUsage('v1', { memory: d }).memoryWorkingSet).toBe(10 * MiB);
    const odd = fakeV1({ total_inactive_file: 30 * MiB, total_active_file: 0, total_mapped_file: 0 }, 20 * MiB);
    expect(readUsage('v1', { memory: odd }).memoryWorkingSet).toBe(0);
  });
});
