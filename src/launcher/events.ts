// Typed events rnx-launch writes to --status-fd, one JSON object per line.

export interface StartedEvent {
  event: 'started';
  job_id: string;
  /** the job's PID 1, as seen from the host */
  pid: number;
  /** the supervising launcher, which lives until it has written `exited`; absent from older launchers */
  launcher_pid?: number;
  cgroup_mode: 'v1' | 'v2';
  /** controller name (v1) or "unified" (v2) -> the job's cgroup directory */
  cgroups: Record<string, string>;
  /** bytes of output kept on fd 1 (--log-max in force; 0: none); absent from launchers before --log-max */
  log_max?: number;
}

export interface ExitedEvent {
  event: 'exited';
  job_id: string;
  /** the launcher's exit status: the command's own, 128+N for signal N, 137 on timeout or memory kill */
  code: number;
  /** the signal that ended the command, or 0 */
  signal: number;
  oom: boolean;
  timed_out: boolean;
  cpu_usec: number;
  peak_memory: number;
  /** the highest working set (usage minus inactive file cache) sampled every 100 ms; absent when none was */
  peak_working_set?: number;
  wall_usec: number;
}

/** --log-max: the oldest output on `fd` was dropped (written before it is: the hole reads as zeros). */
export interface OutputDroppedEvent {
  event: 'output_dropped';
  job_id: string;
  fd: number;
  /** where the output kept starts */
  offset: number;
  /** bytes dropped in all (offset less where the job's output began) */
  bytes: number;
}

/** Something the launcher could not do that does not stop the job (e.g. the file system cannot punch holes). */
export interface NoteEvent {
  event: 'note';
  job_id: string;
  message: string;
}

export type LauncherEvent = StartedEvent | ExitedEvent | OutputDroppedEvent | NoteEvent;

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
const isUint = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** Parses one status line; throws on anything that is not a well-formed event. */
export function parseEventLine(line: string): LauncherEvent {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    throw new Error(`rnx-launch status line is not JSON: ${line.slice(0, 200)}`);
  }
  if (!isObj(v) || typeof v.job_id !== 'string') throw new Error(`bad rnx-launch status line: ${line.slice(0, 200)}`);
  if (v.event === 'started') {
    if (!isUint(v.pid) || (v.cgroup_mode !== 'v1' && v.cgroup_mode !== 'v2') || !isObj(v.cgroups)) {
      throw new Error(`bad started event: ${line.slice(0, 200)}`);
    }
    const cgroups: Record<string, string> = {};
    for (const [k, p] of Object.entries(v.cgroups)) {
      if (typeof p !== 'string') throw new Error(`bad started event: ${line.slice(0, 200)}`);
      cgroups[k] = p;
    }
    if (v.log_max !== undefined && !isUint(v.log_max)) throw new Error(`bad started event: ${line.slice(0, 200)}`);
    if (v.launcher_pid !== undefined && !isUint(v.launcher_pid)) throw new Error(`bad started event: ${line.slice(0, 200)}`);
    return {
      event: 'started',
      job_id: v.job_id,
      pid: v.pid,
      ...(v.launcher_pid !== undefined ? { launcher_pid: v.launcher_pid } : {}),
      cgroup_mode: v.cgroup_mode,
      cgroups,
      ...(v.log_max !== undefined ? { log_max: v.log_max } : {}),
    };
  }
  if (v.event === 'output_dropped') {
    if (!isUint(v.fd) || !isUint(v.offset) || !isUint(v.bytes)) throw new Error(`bad output_dropped event: ${line.slice(0, 200)}`);
    return { event: 'output_dropped', job_id: v.job_id, fd: v.fd, offset: v.offset, bytes: v.bytes };
  }
  if (v.event === 'note') {
    if (typeof v.message !== 'string') throw new Error(`bad note event: ${line.slice(0, 200)}`);
    return { event: 'note', job_id: v.job_id, message: v.message };
  }
  if (v.event === 'exited') {
    const nums = ['code', 'signal', 'cpu_usec', 'peak_memory', 'wall_usec'] as const;
    for (const k of nums) if (!isUint(v[k])) throw new Error(`bad exited event (${k}): ${line.slice(0, 200)}`);
    if (typeof v.oom !== 'boolean' || typeof v.timed_out !== 'boolean') throw new Error(`bad exited event: ${line.slice(0, 200)}`);
    return {
      event: 'exited',
      job_id: v.job_id,
      code: v.code as number,
      signal: v.signal as number,
      oom: v.oom,
      timed_out: v.timed_out,
      cpu_usec: v.cpu_usec as number,
      peak_memory: v.peak_memory as number,
      ...(isUint(v.peak_working_set) ? { peak_working_set: v.peak_working_set as number } : {}),
      wall_usec: v.wall_usec as number,
    };
  }
  throw new Error(`unknown rnx-launch event: ${line.slice(0, 200)}`);
}

/** Splits a byte stream from the status fd into events (keeps a partial last line until it completes). */
export class EventStream {
  private rest = '';
  push(chunk: string | Buffer): LauncherEvent[] {
    this.rest += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    const lines = this.rest.split('\n');
    this.rest = lines.pop() ?? '';
    return lines.filter((l) => l.trim() !== '').map(parseEventLine);
  }
  /** anything left when the stream ended (a truncated line) */
  end(): LauncherEvent[] {
    const r = this.rest.trim();
    this.rest = '';
    return r ? [parseEventLine(r)] : [];
  }
}
