// `rnx job list|status|logs|stats|stop|rm`.
import { writeSync } from 'node:fs';
import prettyMs from 'pretty-ms';
import { DroppedOutput, formatDropped, gapMarker } from '../jobs/dropped.js';
import { followFile, writeToFd } from '../jobs/follow.js';
import { parseDuration } from '../jobs/limits.js';
import { stopJob } from '../jobs/stop.js';
import { JobStore } from '../jobs/store.js';
import { FINAL_STATES, jobDurationMs, type JobRecord } from '../jobs/types.js';
import { readUsage, UsageSampler, type UsageReading, type UsageSample } from '../metrics/cgroup-usage.js';
import { checkLauncher } from '../launcher/locate.js';
import { ExitCode, UserError } from '../util/errors.js';
import { formatBytes, formatCommand, formatDate, formatPeakMemory, formatTable, shellQuote } from '../util/format.js';
import { printJson } from './context.js';

export function exitText(r: JobRecord): string {
  if (r.state === 'running') return '-';
  if (r.signal) return `sig ${r.signal}`;
  return r.exitCode === undefined ? '-' : String(r.exitCode);
}

export function listJobsCommand(opts: { all?: boolean; json?: boolean }): void {
  const jobs = new JobStore().list().filter((j) => opts.all || j.state === 'running');
  if (opts.json) {
    printJson(jobs);
    return;
  }
  if (!jobs.length) {
    process.stdout.write(opts.all ? 'no jobs\n' : 'no running jobs (rnx job list --all shows finished ones)\n');
    return;
  }
  const rows = jobs.map((j) => [
    j.id,
    j.name ?? '-',
    j.runtime,
    j.state,
    exitText(j),
    formatDate(j.startedAt ?? j.createdAt),
    prettyMs(jobDurationMs(j) ?? 0, { secondsDecimalDigits: 0 }),
    formatCommand(j.command).slice(0, 40),
  ]);
  process.stdout.write(formatTable(['ID', 'NAME', 'RUNTIME', 'STATE', 'EXIT', 'STARTED', 'DURATION', 'COMMAND'], rows));
}

export function statusCommand(ref: string, opts: { json?: boolean }): void {
  const store = new JobStore();
  const r = store.read(store.resolve(ref));
  if (opts.json) {
    printJson(r);
    return;
  }
  const lim = r.limits;
  const lines = [
    `id:        ${r.id}${r.name ? ` (${r.name})` : ''}`,
    `state:     ${r.state}${r.state === 'running' ? '' : `, exit ${exitText(r)}`}${r.oom ? ', out of memory' : ''}${r.timedOut ? ', timed out' : ''}`,
    `runtime:   ${r.runtime}${r.runtimeVersion ? ` ${r.runtimeVersion}` : ''}`,
    `command:   ${r.command.map(quote).join(' ')}`,
    `user:      ${r.user ?? '-'} (uid ${r.uid})`,
    `started:   ${r.startedAt ?? r.createdAt}`,
    `ended:     ${r.endedAt ?? '-'}`,
    `duration:  ${prettyMs(jobDurationMs(r) ?? 0)}`,
    `limits:    memory ${lim.memory ? formatBytes(lim.memory) : 'default'}, cpu ${lim.cpu ? `${lim.cpu}%` : 'default'}, pids ${lim.pids ?? 'default'}, cores ${lim.cores ?? 'all'}, network ${lim.network}, timeout ${lim.timeout ? `${lim.timeout}s` : 'none'}, output ${lim.logMax === undefined ? 'default' : lim.logMax ? `last ${formatDropped(lim.logMax)}` : 'all'}`,
  ];
  if (r.workdir) lines.push(`workdir:   ${r.workdir}`);
  if (Object.keys(r.env).length)
    lines.push(
      `env:       ${Object.entries(r.env)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`,
    );
  if (r.usage) lines.push(`usage:     cpu ${prettyMs(r.usage.cpuUsec / 1000)}, ${formatPeakMemory(r.usage)}, wall ${prettyMs(r.usage.wallUsec / 1000)}`);
  if (r.error) lines.push(`error:     ${r.error}`);
  lines.push(`output:    ${store.file(r.id, 'output')}${r.outputDropped ? ` (${formatDropped(r.outputDropped)} of earlier output dropped)` : ''}`);
  for (const note of r.notes ?? []) lines.push(`note:      ${note}`);
  process.stdout.write(lines.join('\n') + '\n');
}

const quote = shellQuote;

export async function logsCommand(ref: string, opts: { follow?: boolean }): Promise<void> {
  const store = new JobStore();
  const id = store.resolve(ref);
  const file = store.file(id, 'output');
  // Without --follow: what the log holds now. Output dropped under --log-max is a line on stderr, where it was.
  await followFile(file, {
    isDone: opts.follow ? () => FINAL_STATES.has(store.read(id).state) : () => true,
    write: writeToFd(1),
    dropped: new DroppedOutput(store.file(id, 'events')),
    onGap: (bytes) => writeSync(2, gapMarker(bytes)),
  });
}

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

export async function stopCommand(ref: string, opts: { grace: string }): Promise<void> {
  const store = new JobStore();
  const id = store.resolve(ref);
  const grace = parseDuration(opts.grace, 'grace period') * 1000;
  const r = await stopJob(store, checkLauncher(), id, grace);
  process.stdout.write(`job ${id}: ${r.state}${r.signal ? ` (signal ${r.signal})` : r.exitCode !== undefined ? ` (exit ${r.exitCode})` : ''}\n`);
}

export function rmCommand(refs: string[]): void {
  const store = new JobStore();
  for (const ref of refs) {
    const id = store.resolve(ref);
    const r = store.read(id);
    if (r.state === 'running') throw new UserError(`job ${id} is still running; stop it first (rnx job stop ${id})`, ExitCode.Busy);
    store.remove(id);
    process.stdout.write(`removed ${id}\n`);
  }
}
