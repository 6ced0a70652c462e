// Every user's jobs, for root (`rnx job list --all-users`, the app's `u`). A user's records live in that user's
// state directory, which nothing lists; what root can find:
// - every running job, from the launcher's registry (/run/rnx/jobs: uid, launcher_pid);
// - the state directory of each running job, from where its launcher writes the output (/proc/PID/fd/1 is
//   <state>/jobs/<id>/output.log); in each directory found, all its jobs, finished ones too;
// - directories found before (the app remembers them for the session), and root's own.
// A running job whose directory cannot be found is shown from its launcher's command line alone.
import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { registryEntries, type RegistryEntry } from '../launcher/registry.js';
import { launcherFdPath, launcherJob } from '../launcher/processes.js';
import { jobFiles } from './paths.js';
import { JobStore } from './store.js';
import type { JobRecord } from './types.js';

export interface UserJob {
  record: JobRecord;
  /** The state directory holding the record; absent for a running job found only through the registry. */
  stateDir?: string;
}

/** The state directory of a running job, from the files its launcher holds open (output on 1, events on 3). */
export function stateDirOf(e: RegistryEntry): string | undefined {
  for (const [fd, file] of [
    [1, jobFiles.output],
    [3, jobFiles.events],
  ] as const) {
    const p = launcherFdPath(e.launcherPid, fd);
    if (!p || basename(p) !== file) continue;
    const jobDir = dirname(p);
    const jobs = dirname(jobDir);
    if (basename(jobDir) === e.id && basename(jobs) === 'jobs') return dirname(jobs);
  }
  return undefined;
}

function userNames(): Map<number, string> {
  const names = new Map<number, string>();
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const [name, , uid] = line.split(':');
      if (name && uid) names.set(Number(uid), name);
    }
  } catch {}
  return names;
}

/** What the registry and /proc tell of a running job whose record is out of reach. */
function recordFromLauncher(e: RegistryEntry, users: Map<number, string>): JobRecord {
  const seen = launcherJob(e.launcherPid);
  const now = new Date().toISOString();
  return {
    id: e.id,
    runtime: seen?.runtime ?? '?',
    command: seen?.command ?? [],
    limits: { network: 'none' },
    env: {},
    user: users.get(e.uid),
    uid: e.uid,
    detached: true,
    createdAt: now,
    state: 'running',
    oom: false,
    timedOut: false,
    launcherPid: e.launcherPid,
    notes: ['record not found: shown from the launcher registry'],
  };
}

/**
 * Every job root can find, newest first (see the top of this file). `known` are state directories found
 * before; the ones found now are returned in `dirs` so a caller can remember them.
 */
export function listAllUsersJobs(own: JobStore, known: Iterable<string> = [], registryDir?: string): { jobs: UserJob[]; dirs: string[] } {
  const entries = registryEntries(registryDir);
  const dirs = new Set([own.state, ...known]);
  for (const e of entries) {
    const d = stateDirOf(e);
    if (d) dirs.add(d);
  }
  const jobs: UserJob[] = [];
  const seen = new Set<string>();
  for (const dir of dirs) {
    const store = dir === own.state ? own : new JobStore(dir);
    for (const record of store.list()) {
      if (seen.has(record.id)) continue;
      seen.add(record.id);
      jobs.push({ record, ...(dir === own.state ? {} : { stateDir: dir }) });
    }
  }
  const users = userNames();
  for (const e of entries) if (!seen.has(e.id)) jobs.push({ record: recordFromLauncher(e, users) });
  jobs.sort((a, b) => (a.record.createdAt < b.record.createdAt ? 1 : a.record.createdAt > b.record.createdAt ? -1 : 0));
  return { jobs, dirs: [...dirs].filter((d) => d !== own.state) };
}

/** The store holding job `ref` (an id, id prefix or name): the caller's own, else another user's found as above. */
export function storeOfAnyUser(own: JobStore, ref: string): { store: JobStore; id: string } {
  try {
    return { store: own, id: own.resolve(ref) };
  } catch (err) {
    for (const dir of listAllUsersJobs(own).dirs) {
      const store = new JobStore(dir);
      try {
        return { store, id: store.resolve(ref) };
      } catch {}
    }
    throw err;
  }
}
