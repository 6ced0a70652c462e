// `rnx job run`: start a job, stream its output, stop it on Ctrl-C, exit with its status.
import { writeSync } from 'node:fs';
import { checkLauncher } from '../../launcher/locate.js';
import { DroppedOutput, gapMarker } from '../../jobs/dropped.js';
import { readEvents } from '../../jobs/events.js';
import { FileWaiter } from '../../jobs/file-waiter.js';
import { followFile, writeToFd } from '../../jobs/follow.js';
import { followNatively, installedFollower } from '../../jobs/native-follow.js';
import { parseCores, parseCpu, parseDuration, parseEnvAssignment, parseLogMax, parseMemory, parsePids } from '../../jobs/limits.js';
import { startJob, type StartedJob } from '../../jobs/runner.js';
import { markStopRequested, signalJob } from '../../jobs/stop.js';
import { JobStore } from '../../jobs/store.js';
import type { JobLimits, JobRecord } from '../../jobs/types.js';
import { requireInstalled } from '../../runtimes/lookup.js';
import { ExitCode } from '../../util/errors.js';
import type { RunCliOptions } from '../commands/job.js';
import { checkWorkdir } from '../../jobs/workdir.js';

const GRACE_MS = 5000;

export async function runJobCommand(root: string, command: string[], opts: RunCliOptions): Promise<number> {
  const limits: JobLimits = { network: opts.network };
  if (opts.memory !== undefined) limits.memory = parseMemory(opts.memory);
  if (opts.cpu !== undefined) limits.cpu = parseCpu(opts.cpu);
  if (opts.pids !== undefined) limits.pids = parsePids(opts.pids);
  if (opts.cores !== undefined) limits.cores = parseCores(opts.cores);
  if (opts.timeout !== undefined) limits.timeout = parseDuration(opts.timeout);
  if (opts.logMax !== undefined) limits.logMax = parseLogMax(opts.logMax);
  const env = Object.fromEntries(opts.env.map((e) => parseEnvAssignment(e, process.env)));
  const runtimeDir = requireInstalled(root, opts.runtime);
  const workdir = opts.workdir !== undefined ? checkWorkdir(opts.workdir) : undefined;
  const launcher = checkLauncher();
  const store = new JobStore();
  const job = startJob(store, {
    runtime: opts.runtime,
    runtimeDir,
    command,
    ...(opts.name ? { name: opts.name } : {}),
    limits,
    ...(workdir ? { workdir } : {}),
    env,
    detach: opts.detach === true,
    launcher,
  });
  return opts.detach ? finishDetached(store, job) : runForeground(store, job, launcher);
}

async function finishDetached(store: JobStore, job: StartedJob): Promise<number> {
  await job.launcher.exited;
  const record = store.read(job.record.id);
  if (record.state === 'failed') return reportFailure(record);
  process.stdout.write(`${record.id}\n`);
  return ExitCode.Ok;
}

async function runForeground(store: JobStore, job: StartedJob, launcher: string): Promise<number> {
  const id = job.record.id;
  let launcherDone = false;
  const exited = job.launcher.exited.then((r) => {
    launcherDone = true;
    return r;
  });
  const stopper = installStopHandlers(store, id, launcher);
  try {
    // Wait until the launcher has started the job (or refused): its refusals are not job output.
    const eventsFile = store.file(id, 'events');
    await waitForStart(eventsFile, exited, () => launcherDone);
    const started = readEvents(eventsFile).started;
    if (!started) {
      const record = store.read(id, await exited);
      return reportFailure(record.state === 'failed' ? record : { ...record, error: record.error ?? 'rnx-launch did not start the job' });
    }
    const output = store.file(id, 'output');
    const follower = installedFollower();
    await followFile(output, {
      isDone: () => launcherDone,
      writerEnded: exited,
      write: writeToFd(1),
      // output dropped under --log-max before it was copied (a slow reader): a line on stderr, not in the output
      dropped: new DroppedOutput(eventsFile),
      onGap: (bytes) => writeSync(2, gapMarker(bytes)),
      ...(follower ? { handOff: (pos: number) => followNatively(follower, output, pos, exited, started.log_max) } : {}),
    });
    const record = store.read(id, await exited);
    return exitStatus(record);
  } finally {
    stopper.dispose();
  }
}

/** Resolves once the launcher reported `started` or exited, whichever comes first. */
async function waitForStart(eventsFile: string, exited: Promise<unknown>, launcherDone: () => boolean): Promise<void> {
  const waiter = new FileWaiter(eventsFile, exited);
  try {
    while (!launcherDone() && !readEvents(eventsFile).started) await waiter.next();
  } finally {
    waiter.close();
  }
}

function reportFailure(record: JobRecord): number {
  // The launcher's own flag names, where rnx's differ.
  const msg = (record.error ?? 'the job could not be started').replace(/^rnx-launch: /, '').replace(/^--net host /, '--network host ');
  process.stderr.write(`rnx: ${msg}\n`);
  return record.exitCode && record.exitCode !== 0 ? record.exitCode : 125;
}

function exitStatus(record: JobRecord): number {
  if (record.state === 'failed') return reportFailure(record);
  if (record.error) process.stderr.write(`rnx: ${record.error}\n`);
  if (record.exitCode === 127 && !record.signal) {
    process.stderr.write(`rnx: ${record.command[0]}: command not found in runtime ${record.runtime}\n`);
  } else if (record.state === 'oom') {
    const limit = record.limits.memory ? `${+(record.limits.memory / 2 ** 20).toFixed(1)} MiB` : "the policy's default";
    process.stderr.write(`rnx: job ${record.id} was killed: out of memory (limit ${limit})\n`);
  } else if (record.state === 'timed-out') {
    process.stderr.write(`rnx: job ${record.id} was stopped: timeout of ${record.limits.timeout}s reached\n`);
  }
  if (record.signal) return 128 + record.signal;
  return record.exitCode ?? ExitCode.Failure;
}

/** Ctrl-C, SIGTERM or SIGHUP: SIGTERM to the job, SIGKILL after the grace period (or on a second Ctrl-C). */
function installStopHandlers(store: JobStore, id: string, launcher: string): { dispose(): void } {
  let stopping = false;
  let killTimer: NodeJS.Timeout | undefined;
  const onSignal = () => {
    if (stopping) {
      signalJob(launcher, id, 9);
      return;
    }
    stopping = true;
    markStopRequested(store, id);
    signalJob(launcher, id, 15);
    killTimer = setTimeout(() => signalJob(launcher, id, 9), GRACE_MS);
    killTimer.unref();
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, onSignal);
  return {
    dispose() {
      if (killTimer) clearTimeout(killTimer);
      for (const s of signals) process.off(s, onSignal);
    },
  };
}
