// `rnx job prune`: removes the records (and output) of finished jobs, so a long-lived host does not keep them forever.
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseDuration } from '../../jobs/limits.js';
import { JobStore } from '../../jobs/store.js';
import { FINAL_STATES, type JobRecord } from '../../jobs/types.js';
import { ExitCode, UserError } from '../../util/errors.js';
import { formatBytes, formatDate } from '../../util/format.js';
import { printJson } from '../context.js';

export interface PrunePolicy {
  /** Finished jobs that ended longer ago than this go. */
  olderThanMs?: number;
  /** Of the finished jobs, the newest this many stay (whatever --older-than says). */
  keep?: number;
  now: number;
}

/** A job whose record exists but whose launcher is not recorded yet may still be starting: left alone this long. */
const STARTING_MS = 60_000;

const endedMs = (j: JobRecord) => Date.parse(j.endedAt ?? j.startedAt ?? j.createdAt);

/**
 * Which jobs go: finished ones only, that ended before `now - olderThanMs` or are beyond the newest `keep`
 * (either is enough). Running jobs, and records that may belong to a job still starting, always stay. Pure.
 */
export function planPrune(jobs: JobRecord[], p: PrunePolicy): { remove: JobRecord[]; kept: number; running: number } {
  const finished = jobs.filter((j) => FINAL_STATES.has(j.state) && !mayBeStarting(j, p.now)).sort((a, b) => (endedMs(b) || 0) - (endedMs(a) || 0));
  const remove = finished.filter((j, i) => (p.keep !== undefined && i >= p.keep) || (p.olderThanMs !== undefined && endedMs(j) < p.now - p.olderThanMs));
  return { remove, kept: finished.length - remove.length, running: jobs.length - finished.length };
}

/** A record written by `rnx job run` before the launcher was spawned reads as failed until that rnx saves it again. */
function mayBeStarting(j: JobRecord, now: number): boolean {
  const created = Date.parse(j.createdAt);
  return !j.launcherPid && !j.jobPid && !(now - created > STARTING_MS);
}

export function pruneCommand(opts: { olderThan?: string; keep?: string; dryRun?: boolean; json?: boolean }): void {
  if (opts.olderThan === undefined && opts.keep === undefined) {
    throw new UserError('job prune: give --older-than DURATION (e.g. 7d) and/or --keep N', ExitCode.Usage);
  }
  const policy: PrunePolicy = { now: Date.now() };
  if (opts.olderThan !== undefined) policy.olderThanMs = parseDuration(opts.olderThan, 'age') * 1000;
  if (opts.keep !== undefined) {
    if (!/^\d+$/.test(opts.keep) || !Number.isSafeInteger(Number(opts.keep))) {
      throw new UserError(`invalid --keep "${opts.keep}": use a whole number (0 keeps none)`, ExitCode.Usage);
    }
    policy.keep = Number(opts.keep);
  }
  const store = new JobStore();
  const plan = planPrune(store.list(), policy);
  const removed: Array<{ id: string; name?: string; state: string; endedAt?: string; bytes: number }> = [];
  for (const j of plan.remove) {
    // list() brought every record up to date, and a final state never changes: these jobs no longer run
    const bytes = diskUsage(store.dir(j.id));
    if (!opts.dryRun) store.remove(j.id);
    removed.push({ id: j.id, ...(j.name ? { name: j.name } : {}), state: j.state, ...(j.endedAt ? { endedAt: j.endedAt } : {}), bytes });
  }
  const total = removed.reduce((n, r) => n + r.bytes, 0);
  if (opts.json) {
    printJson({ dryRun: opts.dryRun === true, removed, bytes: total, kept: plan.kept, running: plan.running });
    return;
  }
  const verb = opts.dryRun ? 'would remove' : 'removed';
  const lines = removed.map((r) => `${verb} ${r.id}${r.name ? ` (${r.name})` : ''}: ${r.state}, ended ${formatDate(r.endedAt)}, ${formatBytes(r.bytes)}`);
  const s = (n: number) => (n === 1 ? '' : 's');
  lines.push(
    `${verb} ${removed.length} finished job${s(removed.length)} (${formatBytes(total)}); kept ${plan.kept} finished` +
      `${plan.running ? `, and ${plan.running} running or starting` : ''}`,
  );
  process.stdout.write(lines.join('\n') + '\n');
}

/** Bytes the job's files take on disk (allocated blocks: a log with dropped output is smaller than its size). */
function diskUsage(dir: string): number {
  let n = 0;
  try {
    for (const f of readdirSync(dir)) {
      try {
        n += lstatSync(join(dir, f)).blocks * 512;
      } catch {
        // removed meanwhile
      }
    }
  } catch {
    // gone
  }
  return n;
}
