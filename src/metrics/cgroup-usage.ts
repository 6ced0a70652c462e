// Reading a job's resource usage from its cgroup files (v1 and v2).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface UsageReading {
  /** Cumulative CPU time, microseconds. */
  cpuUsec?: number;
  /** Everything charged to the cgroup, the page cache of files the job wrote or read included. */
  memoryCurrent?: number;
  /** What the job itself holds: usage minus the file cache no process of it maps (see memoryBreakdown); a job
   * that writes its output fast has its usage filled with that cache. */
  memoryWorkingSet?: number;
  /** Page cache charged to the cgroup (active and inactive file pages). */
  memoryCache?: number;
  /** Highest usage seen, cache included (the kernel keeps no peak of the working set). */
  memoryPeak?: number;
  /** undefined when unlimited. */
  memoryLimit?: number;
  pids?: number;
  pidsLimit?: number;
  /** Quota as percent of one core; undefined when unlimited. */
  cpuQuotaPercent?: number;
  ioReadBytes?: number;
  ioWriteBytes?: number;
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

function readNumber(file: string): number | undefined {
  const t = readText(file);
  if (t === undefined || t === 'max' || !/^-?\d+$/.test(t)) return undefined;
  return Number(t);
}

/** v1 reports "no limit" as a huge page-rounded number. */
function v1Limit(n: number | undefined): number | undefined {
  return n === undefined || n >= 2 ** 62 ? undefined : n;
}

function keyed(text: string | undefined): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of (text ?? '').split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined && /^\d+$/.test(v)) m.set(k, Number(v));
  }
  return m;
}

export function readUsage(mode: 'v1' | 'v2', cgroups: Record<string, string>): UsageReading {
  return mode === 'v2' ? readV2(cgroups.unified ?? Object.values(cgroups)[0] ?? '') : readV1(cgroups);
}

/**
 * Working set and cache from memory.stat (v1 names them total_*, covering child cgroups too). The working set is
 * usage minus the file cache no process maps: docker's "usage minus inactive file" would count the job's own output
 * once a follower has read it (sendfile in pieces smaller than a large folio makes those pages active). rnx-launch
 * samples the same figure for the record's peak (native/src/cgroup.c, cg_working_set).
 */
function memoryBreakdown(
  current: number | undefined,
  stat: Map<string, number>,
  prefix: '' | 'total_',
): Pick<UsageReading, 'memoryWorkingSet' | 'memoryCache'> {
  const inactive = stat.get(`${prefix}inactive_file`);
  const active = stat.get(`${prefix}active_file`) ?? 0;
  const mapped = stat.get(prefix === '' ? 'file_mapped' : 'total_mapped_file') ?? 0;
  const file = stat.get(prefix === '' ? 'file' : 'total_cache');
  const r: Pick<UsageReading, 'memoryWorkingSet' | 'memoryCache'> = {};
  if (current !== undefined && inactive !== undefined) r.memoryWorkingSet = Math.max(0, current - inactive - Math.max(0, active - mapped));
  if (file !== undefined) r.memoryCache = file;
  return r;
}

function readV2(dir: string): UsageReading {
  const cpu = keyed(readText(join(dir, 'cpu.stat')));
  const [quota, period] = (readText(join(dir, 'cpu.max')) ?? 'max').split(/\s+/);
  let ioRead = 0;
  let ioWrite = 0;
  for (const line of (readText(join(dir, 'io.stat')) ?? '').split('\n')) {
    ioRead += Number(/rbytes=(\d+)/.exec(line)?.[1] ?? 0);
    ioWrite += Number(/wbytes=(\d+)/.exec(line)?.[1] ?? 0);
  }
  const memoryCurrent = readNumber(join(dir, 'memory.current'));
  const r: UsageReading = {
    cpuUsec: cpu.get('usage_usec'),
    memoryCurrent,
    ...memoryBreakdown(memoryCurrent, keyed(readText(join(dir, 'memory.stat'))), ''),
    memoryPeak: readNumber(join(dir, 'memory.peak')),
    memoryLimit: readNumber(join(dir, 'memory.max')),
    pids: readNumber(join(dir, 'pids.current')),
    pidsLimit: readNumber(join(dir, 'pids.max')),
    cpuQuotaPercent: quota && quota !== 'max' && period ? (Number(quota) / Number(period)) * 100 : undefined,
    ioReadBytes: ioRead,
    ioWriteBytes: ioWrite,
  };
  return r;
}

function readV1(cg: Record<string, string>): UsageReading {
  const r: UsageReading = {};
  if (cg.memory) {
    r.memoryCurrent = readNumber(join(cg.memory, 'memory.usage_in_bytes'));
    Object.assign(r, memoryBreakdown(r.memoryCurrent, keyed(readText(join(cg.memory, 'memory.stat'))), 'total_'));
    r.memoryPeak = readNumber(join(cg.memory, 'memory.max_usage_in_bytes'));
    r.memoryLimit = v1Limit(readNumber(join(cg.memory, 'memory.limit_in_bytes')));
  }
  const acct = cg.cpuacct ?? (cg.cpu && readText(join(cg.cpu, 'cpuacct.usage')) !== undefined ? cg.cpu : undefined);
  if (acct) {
    const ns = readNumber(join(acct, 'cpuacct.usage'));
    if (ns !== undefined) r.cpuUsec = Math.floor(ns / 1000);
  }
  if (cg.cpu) {
    const quota = readNumber(join(cg.cpu, 'cpu.cfs_quota_us'));
    const period = readNumber(join(cg.cpu, 'cpu.cfs_period_us'));
    if (quota !== undefined && quota > 0 && period) r.cpuQuotaPercent = (quota / period) * 100;
  }
  if (cg.pids) {
    r.pids = readNumber(join(cg.pids, 'pids.current'));
    r.pidsLimit = readNumber(join(cg.pids, 'pids.max'));
  }
  if (cg.blkio) {
    const io = readText(join(cg.blkio, 'blkio.throttle.io_service_bytes')) ?? '';
    r.ioReadBytes = 0;
    r.ioWriteBytes = 0;
    for (const line of io.split('\n')) {
      const [, op, v] = line.trim().split(/\s+/);
      if (op === 'Read') r.ioReadBytes += Number(v);
      if (op === 'Write') r.ioWriteBytes += Number(v);
    }
  }
  return r;
}

export interface UsageSample extends UsageReading {
  /** Monotonic milliseconds. */
  at: number;
  /** Percent of one core over the interval since the previous sample. */
  cpuPercent?: number;
}

/** Turns cumulative readings into rates: CPU% = Δusage / Δmonotonic time. */
export class UsageSampler {
  private prev: { at: number; cpuUsec: number } | undefined;

  constructor(private readonly read: () => UsageReading) {}

  sample(at = performance.now()): UsageSample {
    const reading = this.read();
    const s: UsageSample = { ...reading, at };
    if (reading.cpuUsec !== undefined) {
      if (this.prev && at > this.prev.at) {
        s.cpuPercent = Math.max(0, ((reading.cpuUsec - this.prev.cpuUsec) / 1000 / (at - this.prev.at)) * 100);
      }
      this.prev = { at, cpuUsec: reading.cpuUsec };
    }
    return s;
  }
}
