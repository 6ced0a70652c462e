// The job record: what `rnx job …` and the terminal app know about one job.

export type JobState = 'running' | 'exited' | 'failed' | 'killed' | 'oom' | 'timed-out' | 'stopped';

export const FINAL_STATES: ReadonlySet<JobState> = new Set(['exited', 'failed', 'killed', 'oom', 'timed-out', 'stopped']);

export interface JobLimits {
  /** Bytes. */
  memory?: number;
  /** Percent of one core. */
  cpu?: number;
  pids?: number;
  cores?: string;
  /** Seconds. */
  timeout?: number;
  network: 'none' | 'host';
  /** Bytes of output kept (--log-max; 0: no cap). Once the job started, the cap the launcher applied. */
  logMax?: number;
}

export interface JobFinalUsage {
  cpuUsec: number;
  /** The cgroup's highest usage, the page cache of the job's files included. */
  peakMemory: number;
  /** The highest working set (usage minus inactive file cache) the launcher sampled, where it reported one. */
  peakWorkingSet?: number;
  wallUsec: number;
}

export interface JobRecord {
  id: string;
  name?: string;
  runtime: string;
  runtimeVersion?: string;
  command: string[];
  limits: JobLimits;
  workdir?: string;
  env: Record<string, string>;
  /** Login name of `uid`: added while the launcher starts, so a record whose rnx died at that moment has none. */
  user?: string;
  uid: number;
  detached: boolean;
  createdAt: string;
  startedAt?: string;
  endedAt?: string;
  state: JobState;
  exitCode?: number;
  signal?: number;
  oom: boolean;
  timedOut: boolean;
  usage?: JobFinalUsage;
  /** Host pid of the rnx-launch process supervising the job. */
  launcherPid?: number;
  /** Host pid of the job's PID 1. */
  jobPid?: number;
  cgroupMode?: 'v1' | 'v2';
  /** Controller name (v1) or "unified" (v2) -> cgroup directory of the job. */
  cgroups?: Record<string, string>;
  /** Bytes of the oldest output dropped to keep output.log within limits.logMax. */
  outputDropped?: number;
  /** What the launcher noted without failing the job (e.g. that it could not keep the output to --log-max). */
  notes?: string[];
  /** Why the job failed to start, or what went wrong recording it. */
  error?: string;
  stopRequested?: boolean;
}

/** How long the job has run (until now) or ran; undefined when its record has no usable start time. */
export function jobDurationMs(j: JobRecord, now = Date.now()): number | undefined {
  const start = Date.parse(j.startedAt ?? j.createdAt);
  if (Number.isNaN(start)) return undefined;
  const end = j.endedAt ? Date.parse(j.endedAt) : now;
  return Math.max(0, end - start);
}
