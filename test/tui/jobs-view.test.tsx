import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { render } from 'ink-testing-library';
import { App } from '../../components/App.js';
import type { JobStore } from '../../src/jobs/store.js';
import type { JobRecord } from '../../src/jobs/types.js';
import { keys, makeDeps, makeJobStore, makeRoot, makeState, theme, tick, until, writeJob, listRaw } from './fixtures.js';

let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup) await c();
  cleanup = [];
});

function fakeCgroup(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rnx-tui-cg-'));
  writeFileSync(join(dir, 'cpu.stat'), 'usage_usec 1000\n');
  writeFileSync(join(dir, 'memory.current'), String(20 * 1024 * 1024));
  writeFileSync(join(dir, 'memory.peak'), String(30 * 1024 * 1024));
  writeFileSync(join(dir, 'memory.max'), String(128 * 1024 * 1024));
  // 14 MiB of the 20 charged are page cache, 2 MiB of it mapped (the job's own programs): the working set is 8 MiB
  writeFileSync(join(dir, 'memory.stat'), `anon ${6 << 20}\nfile ${14 << 20}\ninactive_file ${12 << 20}\nactive_file ${2 << 20}\nfile_mapped ${2 << 20}\n`);
  writeFileSync(join(dir, 'pids.current'), '3');
  writeFileSync(join(dir, 'pids.max'), '64');
  writeFileSync(join(dir, 'cpu.max'), 'max 100000');
  return dir;
}

async function setup(size = { columns: 100, rows: 30 }, ops: Parameters<typeof makeDeps>[2] = {}) {
  const root = await makeRoot();
  const store = makeJobStore();
  const cg = fakeCgroup();
  const old = writeJob(
    store,
    {
      id: 'aaaaaaaaaaaa',
      createdAt: new Date(Date.now() - 60_000).toISOString(),
      command: ['echo', 'old'],
      state: 'exited',
      exitCode: 3,
      usage: { cpuUsec: 1_500_000, peakMemory: 5 << 20, wallUsec: 2_000_000 },
    },
    'old output\n',
  );
  const running = writeJob(
    store,
    {
      id: 'bbbbbbbbbbbb',
      command: ['sh', '-c', 'yes'],
      state: 'running',
      endedAt: undefined,
      exitCode: undefined,
      limits: { network: 'none', memory: 128 << 20 },
      cgroupMode: 'v2',
      cgroups: { unified: cg },
    },
    Array.from({ length: 200 }, (_, i) => `row ${i}`).join('\n') + '\n',
  );
  const state = makeState(makeDeps(root, store, { listJobs: listRaw, ...ops }), { initialView: 'jobs' });
  const r = render(<App state={state} theme={theme} size={size} onQuit={() => {}} />);
  cleanup.push(
    () => r.unmount(),
    () => state.stop(),
  );
  await state.start();
  await until(() => r.lastFrame()!.includes('row 199'));
  return { r, state, store, old, running, cg };
}

const write = async (r: { stdin: { write(s: string): void } }, ...inputs: string[]) => {
  for (const i of inputs) {
    r.stdin.write(i);
    await tick();
  }
};

describe('Jobs view', () => {
  it('lists jobs newest first with state, runtime, command, duration and exit code', async () => {
    const { r } = await setup();
    const f = r.lastFrame()!;
    expect(f).toMatch(/›bbbbbbbbbbbb running\s+alpha\s+sh -c yes/);
    expect(f).toMatch(/aaaaaaaaaaaa exited\s+alpha\s+echo old\s+5\.0s\s+3/);
    expect(f).toContain('Output bbbbbbbbbbbb · following · 200 lines');
  });

  it("a running job's duration grows at each refresh of the list, though its record stays the same", async () => {
    const { r, state } = await setup();
    const seconds = () => Number(/›bbbbbbbbbbbb running\s+alpha\s+sh -c yes\s+([\d.]+)s/.exec(r.lastFrame()!)?.[1]);
    const before = seconds();
    expect(before).toBeGreaterThanOrEqual(0);
    await tick(1200);
    state.jobs.getState().refresh();
    await until(() => seconds() >= before + 1);
  });

  it('follows the output as it grows, scrolls back, searches and jumps to the end', async () => {
    const { r, state, running, store } = await setup();
    appendFileSync(store.file(running.id, 'output'), 'fresh line\n');
    await until(() => r.lastFrame()!.includes('fresh line'));
    await write(r, keys.tab); // focus the output pane
    expect(state.jobs.getState().focus).toBe('output');
    await write(r, 'k', 'k', 'k');
    await until(() => !r.lastFrame()!.includes('fresh line'));
    expect(r.lastFrame()).not.toContain('following');
    appendFileSync(store.file(running.id, 'output'), 'while scrolled\n');
    await tick(100);
    expect(r.lastFrame()).not.toContain('while scrolled');
    await write(r, '/', 'row 42', keys.enter);
    await until(() => r.lastFrame()!.includes('line 43 (n/N)'));
    expect(r.lastFrame()).toContain('row 42');
    await write(r, keys.esc, 'G');
    await until(() => r.lastFrame()!.includes('while scrolled') && r.lastFrame()!.includes('following'));
    await write(r, 'w');
    expect(r.lastFrame()).toContain('wrap');
  });

  it('shows usage sparklines, the working set against its limit with the cache beside it, and pids from the cgroup', async () => {
    const { r, cg } = await setup();
    await until(() => r.lastFrame()!.includes('PIDS 3 / 64'));
    writeFileSync(join(cg, 'cpu.stat'), 'usage_usec 200000\n');
    await until(() => /CPU\s+[▁▂▃▄▅▆▇█ ]+\d+%/.test(r.lastFrame()!));
    expect(r.lastFrame()).toMatch(/MEM\s+[▁▂▃▄▅▆▇█ ]+8 MiB \/ 128 MiB peak 8 MiB/);
    expect(r.lastFrame()).toContain('6% of limit  page cache 14 MiB');
  });

  it('shows final usage of a finished job, filters, and removes it after confirmation', async () => {
    const { r, state } = await setup();
    await write(r, 'j');
    await until(() => r.lastFrame()!.includes('exited, exit 3'));
    expect(r.lastFrame()).toContain('peak 5 MiB');
    expect(r.lastFrame()).toContain('old output');
    await write(r, '/', 'yes', keys.enter);
    await until(() => !r.lastFrame()!.includes('echo old'));
    await write(r, keys.esc);
    await until(() => r.lastFrame()!.includes('echo old'));
    await write(r, 'G', 'd');
    await until(() => r.lastFrame()!.includes('Remove job aaaaaaaaaaaa'));
    await write(r, 'y');
    await until(() => !state.jobs.getState().jobs.some((j) => j.id === 'aaaaaaaaaaaa'));
  });

  it('stops a running job only after confirmation', async () => {
    const stopJob = vi.fn(async (_s: JobStore, id: string) => ({ id, state: 'stopped', exitCode: 143 }) as JobRecord);
    const { r } = await setup(undefined, { stopJob });
    await write(r, 'S');
    await until(() => r.lastFrame()!.includes('Stop job bbbbbbbbbbbb'));
    await write(r, keys.esc);
    expect(stopJob).not.toHaveBeenCalled();
    await write(r, 'S', 'y');
    await until(() => stopJob.mock.calls.length === 1);
    await until(() => r.lastFrame()!.includes('job bbbbbbbbbbbb stopped (exit 143)'));
  });

  it('fits 80x24 and zooms the output pane', async () => {
    const { r } = await setup({ columns: 80, rows: 24 });
    const lines = r.lastFrame()!.split('\n');
    expect(lines.length).toBeLessThanOrEqual(23);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(80);
    await write(r, 'z');
    await until(() => !r.lastFrame()!.includes('Usage'));
    expect(r.lastFrame()).not.toContain('RUNTIME');
  });
});
