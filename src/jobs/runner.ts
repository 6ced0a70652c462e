// Starting a job: the record, its output and event files, and the rnx-launch process.
import { closeSync, constants, openSync, readSync, unlinkSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { buildLaunchArgv, envRecords } from '../launcher/argv.js';
import { isoTimestamp } from '../util/time.js';
import { spawnWithFds, type SpawnedProcess } from '../util/spawn-with-fds.js';
import type { JobStore } from './store.js';
import type { JobLimits, JobRecord } from './types.js';

export interface RunRequest {
  runtime: string;
  /** Directory of the installed runtime (to record its version). */
  runtimeDir: string;
  command: string[];
  name?: string;
  limits: JobLimits;
  workdir?: string;
  env: Record<string, string>;
  detach: boolean;
  /** Path of the setuid launcher. */
  launcher: string;
}

export interface StartedJob {
  record: JobRecord;
  /** The rnx-launch process we started (`exited` settles when it exits). */
  launcher: SpawnedProcess;
}

const APPEND = constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND;

export function startJob(store: JobStore, req: RunRequest): StartedJob {
  const id = store.newId();
  const record: JobRecord = {
    id,
    ...(req.name ? { name: req.name } : {}),
    runtime: req.runtime,
    ...runtimeVersion(req.runtimeDir),
    command: req.command,
    limits: req.limits,
    ...(req.workdir ? { workdir: req.workdir } : {}),
    env: req.env,
    uid: process.getuid!(),
    detached: req.detach,
    createdAt: isoTimestamp(new Date()),
    state: 'running',
    oom: false,
    timedOut: false,
  };
  store.create(record);
  // Output and events go straight to files, so they survive the death of this process.
  const out = openSync(store.file(id, 'output'), APPEND, 0o600);
  const events = openSync(store.file(id, 'events'), APPEND, 0o600);
  let envFd: number | undefined;
  let launcher: SpawnedProcess;
  try {
    envFd = envFile(store.dir(id), req.env);
    launcher = spawnWithFds({
      file: req.launcher,
      args: launcherArgs(id, req, envFd !== undefined),
      stdio: [req.detach ? 'ignore' : 'inherit', out, out, events, ...(envFd !== undefined ? [envFd] : [])],
      // Its own process group: the terminal's Ctrl-C reaches rnx, which stops the job gracefully.
      detached: true,
      env: { TERM: process.env.TERM ?? 'dumb' },
    });
  } finally {
    closeSync(out);
    closeSync(events);
    if (envFd !== undefined) closeSync(envFd);
  }
  // What is not needed to start the job is done while the launcher sets it up, such as the user name (a
  // name-service lookup).
  store.reserveRoom(id);
  record.user = userInfo().username;
  record.startedAt = record.createdAt;
  if (launcher.pid) record.launcherPid = launcher.pid;
  store.save(record);
  return { record, launcher };
}

/**
 * The job's variables, for the launcher's --env-fd 4: as --env arguments they would be readable by every local
 * user in /proc/PID/cmdline of the launcher and the job's PID 1 for as long as the job runs. Written into the
 * job's own directory (private to the user, like the record, which keeps them too), opened, and unlinked at once.
 */
function envFile(dir: string, env: Record<string, string>): number | undefined {
  if (Object.keys(env).length === 0) return undefined;
  const file = join(dir, 'env');
  writeFileSync(file, envRecords(env), { mode: 0o600, flag: 'wx' });
  try {
    return openSync(file, 'r');
  } finally {
    unlinkSync(file);
  }
}

function launcherArgs(id: string, req: RunRequest, envFd: boolean): string[] {
  const { limits } = req;
  return buildLaunchArgv({
    runtime: req.runtime,
    command: req.command,
    jobId: id,
    statusFd: 3,
    net: limits.network,
    ...(limits.memory !== undefined ? { memory: limits.memory } : {}),
    ...(limits.cpu !== undefined ? { cpu: limits.cpu } : {}),
    ...(limits.pids !== undefined ? { pids: limits.pids } : {}),
    ...(limits.cores !== undefined ? { cores: limits.cores } : {}),
    ...(limits.timeout !== undefined ? { timeout: limits.timeout } : {}),
    ...(limits.logMax !== undefined ? { logMax: limits.logMax } : {}),
    ...(req.workdir ? { workdir: req.workdir } : {}),
    ...(envFd ? { envFd: 4 } : {}),
    detach: req.detach,
  });
}

/** The runtime's version from its manifest header (cheap: no YAML parsing on the job path). */
function runtimeVersion(runtimeDir: string): { runtimeVersion?: string } {
  try {
    const fd = openSync(join(runtimeDir, 'manifest.jsonl'), 'r');
    try {
      const buf = Buffer.alloc(512);
      const n = readSync(fd, buf, 0, 512, 0);
      const header = JSON.parse(buf.subarray(0, n).toString('utf8').split('\n')[0] ?? '{}') as { version?: string };
      return header.version ? { runtimeVersion: header.version } : {};
    } finally {
      closeSync(fd);
    }
  } catch {
    return {};
  }
}
