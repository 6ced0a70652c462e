// `rnx job stats`: a job's resource usage from its cgroup (live) or its record (finished); --watch refreshes.
import prettyMs from 'pretty-ms';
import { parseDuration } from '../../jobs/limits.js';
import { JobStore } from '../../jobs/store.js';
import type { JobRecord } from '../../jobs/types.js';
import { readUsage, UsageSampler, type UsageReading, type UsageSample } from '../../metrics/cgroup-usage.js';
import { ExitCode, UserError } from '../../util/errors.js';
import { formatBytes } from '../../util/format.js';

function intervalMs(text: string): number {
  const ms = /^(\d+)ms$/.exec(text);
  if (ms) {
    if (Number(ms[1]) < 100) throw new UserError('interval must be at least 100ms', ExitCode.Usage);
    return Number(ms[1]);
  }
  return parseDuration(text, 'interval') * 1000;
}

export interface StatsView extends UsageReading {
  /** A finished job's highest sampled working set (from its record). */
  memoryPeakWorkingSet?: number;
  id: string;
  state: string;
  cpuPercent?: number;
}

function finalStats(r: JobRecord): StatsView {
  return {
    id: r.id,
    state: r.state,
    ...(r.usage
      ? {
          cpuUsec: r.usage.cpuUsec,
          memoryPeak: r.usage.peakMemory,
          ...(r.usage.peakWorkingSet !== undefined ? { memoryPeakWorkingSet: r.usage.peakWorkingSet } : {}),
          cpuPercent: r.usage.wallUsec ? (r.usage.cpuUsec / r.usage.wallUsec) * 100 : 0,
        }
      : {}),
    ...(r.limits.memory ? { memoryLimit: r.limits.memory } : {}),
    ...(r.limits.cpu ? { cpuQuotaPercent: r.limits.cpu } : {}),
  };
}

function liveStats(r: JobRecord, s: UsageSample): StatsView {
  const { at: _at, ...rest } = s;
  return { id: r.id, state: r.state, ...rest };
}

function renderStats(v: StatsView): string {
  const pct = (n: number | undefined) => (n === undefined ? '-' : `${n.toFixed(1)}%`);
  const cpu =
    v.cpuPercent === undefined
      ? '-'
      : `${pct(v.cpuPercent)} of a core${v.cpuQuotaPercent ? `, ${pct((v.cpuPercent / v.cpuQuotaPercent) * 100)} of its ${v.cpuQuotaPercent}% quota` : ''}`;
  const size = (n: number | undefined) => (n === undefined ? '-' : formatBytes(n));
  const mem =
    v.memoryWorkingSet !== undefined
      ? `${size(v.memoryWorkingSet)} working set, ${size(v.memoryCache)} page cache (${size(v.memoryCurrent)} charged, peak ${size(v.memoryPeak)}), limit ${v.memoryLimit ? formatBytes(v.memoryLimit) : 'none'}`
      : `${size(v.memoryCurrent)} now, ${size(v.memoryPeak)} peak, limit ${v.memoryLimit ? formatBytes(v.memoryLimit) : 'none'}`;
  const lines = [`job ${v.id} (${v.state})`, `cpu:     ${cpu}`, `memory:  ${mem}`];
  if (v.pids !== undefined) lines.push(`pids:    ${v.pids}${v.pidsLimit ? ` of ${v.pidsLimit}` : ''}`);
  if (v.ioReadBytes !== undefined) lines.push(`io:      read ${formatBytes(v.ioReadBytes)}, written ${formatBytes(v.ioWriteBytes ?? 0)}`);
  if (v.cpuUsec !== undefined && v.state !== 'running') lines.push(`cpu time: ${prettyMs(v.cpuUsec / 1000)}`);
  return lines.join('\n') + '\n';
}

export async function statsCommand(ref: string, opts: { watch?: boolean; interval: string; json?: boolean }): Promise<void> {
  const store = new JobStore();
  const id = store.resolve(ref);
  const every = intervalMs(opts.interval);
  let record = store.read(id);
  const cgroups = record.cgroups;
  const sampler = cgroups && record.cgroupMode ? new UsageSampler(() => readUsage(record.cgroupMode!, cgroups)) : undefined;
  const show = (v: StatsView) => {
    if (opts.json) process.stdout.write(JSON.stringify(v) + '\n');
    else process.stdout.write((opts.watch && process.stdout.isTTY ? '\x1b[H\x1b[2J' : '') + renderStats(v));
  };
  if (record.state !== 'running' || !sampler) return show(finalStats(record));
  sampler.sample();
  await new Promise((r) => setTimeout(r, Math.min(every, 1000)));
  for (;;) {
    record = store.read(id);
    if (record.state !== 'running') return show(finalStats(record));
    show(liveStats(record, sampler.sample()));
    if (!opts.watch) return;
    await new Promise((r) => setTimeout(r, every));
  }
}
