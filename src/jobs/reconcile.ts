// Deciding a job's state from what the launcher reported, whether its processes live, and what the user asked.
import { isoTimestamp } from '../util/time.js';
import type { JobEvents } from './events.js';
import type { JobRecord, JobState } from './types.js';

/** Exit status rnx-launch uses when it refused or failed to start the job. */
export const LAUNCHER_FAILED = 125;

export interface Observed {
  events: JobEvents;
  /** Whether the supervising launcher (or the job's PID 1) is still alive (looked at only without an exited event). */
  alive: boolean;
  /** The launcher's own exit status when the caller saw it. */
  launcherExit?: { code: number | null; signal: NodeJS.Signals | null };
  /** The last `rnx-launch: …` line the launcher printed, if any. */
  launcherMessage?: string;
  now: Date;
}

/** Returns the record brought up to date; pure, so it can be tested without processes. */
export function reconcile(record: JobRecord, seen: Observed): JobRecord {
  const next: JobRecord = { ...record };
  const { started, exited } = seen.events;
  if (started) {
    next.jobPid = started.pid;
    next.cgroupMode = started.cgroup_mode;
    next.cgroups = started.cgroups;
    if (started.log_max !== undefined) next.limits = { ...next.limits, logMax: started.log_max };
  }
  if (seen.events.dropped) next.outputDropped = seen.events.dropped.bytes;
  if (seen.events.notes) next.notes = seen.events.notes;
  if (record.state !== 'running') return next;
  if (exited) {
    next.exitCode = exited.code;
    if (exited.signal) next.signal = exited.signal;
    next.oom = exited.oom;
    next.timedOut = exited.timed_out;
    next.usage = {
      cpuUsec: exited.cpu_usec,
      peakMemory: exited.peak_memory,
      ...(exited.peak_working_set !== undefined ? { peakWorkingSet: exited.peak_working_set } : {}),
      wallUsec: exited.wall_usec,
    };
    next.state = finalState(next, exited.signal);
    next.endedAt = isoTimestamp(seen.now);
    return next;
  }
  if (seen.alive) return next;
  next.endedAt = isoTimestamp(seen.now);
  if (!started) {
    next.state = 'failed';
    next.exitCode = seen.launcherExit?.code ?? LAUNCHER_FAILED;
    next.error = seen.launcherMessage ?? 'rnx-launch exited without starting the job';
    return next;
  }
  const status = seen.launcherExit?.code;
  if (typeof status === 'number') {
    // The launcher ended normally but its report was lost (e.g. the disk was full): its status is the job's.
    next.exitCode = status;
    if (status > 128) next.signal = status - 128;
    next.state = finalState(next, next.signal ?? 0);
    next.error = 'rnx-launch could not record the end of the job; its exit status was used';
    return next;
  }
  // Started, never reported an end: the launcher was killed (its job dies with it).
  next.state = record.stopRequested ? 'stopped' : 'killed';
  next.signal = 9;
  next.exitCode = 137;
  next.error = 'rnx-launch was killed before it could report the end of the job';
  return next;
}

function finalState(r: JobRecord, signal: number): JobState {
  if (r.timedOut) return 'timed-out';
  // A child OOM-killed inside a job whose command still succeeded is noted (r.oom) but is not the job's end.
  if (r.oom && (signal || r.exitCode !== 0)) return 'oom';
  // The user asked it to stop and it ended: stopped, whether a signal ended it or it exited on its own
  // after catching SIGTERM (its exit code is kept).
  if (r.stopRequested) return 'stopped';
  if (signal) return 'killed';
  return 'exited';
}
