// What there is to say about one job, as label/value lines and a timeline: the one model behind
// `rnx job status` and the app's Describe pane, so both say the same. Pure: the caller reads the record and
// its events (JobStore.read, readEvents).
import prettyMs from 'pretty-ms';
import { formatDropped } from './dropped.js';
import type { JobEvents } from './events.js';
import { jobDurationMs, type JobRecord } from './types.js';
import { formatBytes, formatPeakMemory, shellQuote } from '../util/format.js';

export interface DescribeLine {
  label: string;
  value: string;
}

export interface TimelineEntry {
  /** ISO time, where the record or the launcher gave one. */
  at?: string;
  what: string;
}

export interface JobDescription {
  lines: DescribeLine[];
  timeline: TimelineEntry[];
}

/** How a job's end reads: its exit code, or the signal that ended it. */
export function exitText(r: JobRecord): string {
  if (r.state === 'running') return '-';
  if (r.signal) return `sig ${r.signal}`;
  return r.exitCode === undefined ? '-' : String(r.exitCode);
}

export function limitsText(r: JobRecord): string {
  const lim = r.limits;
  return [
    `memory ${lim.memory ? formatBytes(lim.memory) : 'default'}`,
    `cpu ${lim.cpu ? `${lim.cpu}%` : 'default'}`,
    `pids ${lim.pids ?? 'default'}`,
    `cores ${lim.cores ?? 'all'}`,
    `network ${lim.network}`,
    `timeout ${lim.timeout ? `${lim.timeout}s` : 'none'}`,
    `output ${lim.logMax === undefined ? 'default' : lim.logMax ? `last ${formatDropped(lim.logMax)}` : 'all'}`,
  ].join(', ');
}

/** The job's description: `outputFile` is where its output is kept. */
export function describeJob(r: JobRecord, events: JobEvents, outputFile: string, now = Date.now()): JobDescription {
  const lines: DescribeLine[] = [];
  const add = (label: string, value: string) => lines.push({ label, value });
  add('id', `${r.id}${r.name ? ` (${r.name})` : ''}`);
  add('state', `${r.state}${r.state === 'running' ? '' : `, exit ${exitText(r)}`}${r.oom ? ', out of memory' : ''}${r.timedOut ? ', timed out' : ''}`);
  add('runtime', `${r.runtime}${r.runtimeVersion ? ` ${r.runtimeVersion}` : ''}`);
  add('command', r.command.map(shellQuote).join(' '));
  add('user', `${r.user ?? '-'} (uid ${r.uid})`);
  add('started', r.startedAt ?? r.createdAt);
  add('ended', r.endedAt ?? '-');
  add('duration', prettyMs(jobDurationMs(r, now) ?? 0));
  add('limits', limitsText(r));
  add('workdir', r.workdir ?? '-');
  const env = Object.entries(r.env);
  add('env', env.length ? env.map(([k, v]) => `${k}=${v}`).join(' ') : '-');
  if (r.usage) add('usage', `cpu ${prettyMs(r.usage.cpuUsec / 1000)}, ${formatPeakMemory(r.usage)}, wall ${prettyMs(r.usage.wallUsec / 1000)}`);
  const cgroups = Object.entries(r.cgroups ?? events.started?.cgroups ?? {});
  if (cgroups.length)
    add('cgroups', `${r.cgroupMode ?? events.started?.cgroup_mode ?? ''} ${cgroups.map(([c, p]) => (c === 'unified' ? p : `${c}:${p}`)).join(' ')}`.trim());
  const pids = [r.jobPid ?? events.started?.pid, r.launcherPid ?? events.started?.launcher_pid];
  if (pids[0] || pids[1]) add('pids', `job ${pids[0] ?? '-'}, launcher ${pids[1] ?? '-'}`);
  if (r.error) add('error', r.error);
  add('output', `${outputFile}${r.outputDropped ? ` (${formatDropped(r.outputDropped)} of earlier output dropped)` : ' (nothing dropped)'}`);
  for (const note of r.notes ?? []) add('note', note);

  const timeline: TimelineEntry[] = [{ at: r.createdAt, what: 'created' }];
  if (r.startedAt || events.started) {
    const s = events.started;
    timeline.push({ at: r.startedAt, what: `started${s ? ` (pid ${s.pid}${s.launcher_pid ? `, launcher ${s.launcher_pid}` : ''})` : ''}` });
  }
  if (events.dropped) timeline.push({ what: `output dropped: ${formatDropped(events.dropped.bytes)} of the oldest` });
  for (const note of events.notes ?? []) timeline.push({ what: `note: ${note}` });
  if (r.stopRequested) timeline.push({ what: 'stop requested' });
  if (r.state !== 'running') {
    const x = events.exited;
    const how = x
      ? `${x.signal ? `signal ${x.signal}` : `exit ${x.code}`}${x.oom ? ', out of memory' : ''}${x.timed_out ? ', timed out' : ''}`
      : `exit ${exitText(r)}`;
    timeline.push({ at: r.endedAt, what: `${r.state} (${how})` });
  }
  return { lines, timeline };
}

/** The description as text lines (`rnx job status`; the app draws the same lines). */
export function describeText(d: JobDescription): string[] {
  const out = d.lines.map((l) => `${`${l.label}:`.padEnd(10)} ${l.value}`);
  out.push('timeline:');
  for (const t of d.timeline) out.push(`  ${t.at ?? ' '.repeat(24)}  ${t.what}`);
  return out;
}
