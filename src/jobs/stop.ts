// Stopping a job: SIGTERM to every process of the job, then SIGKILL after a grace period.
import { buildKillArgv } from '../launcher/argv.js';
import { ExitCode, UserError } from '../util/errors.js';
import type { JobStore } from './store.js';
import { FINAL_STATES, type JobRecord } from './types.js';

/** Asks rnx-launch to signal every process of the job (it only does so for the user who started it). */
export function signalJob(launcher: string, id: string, signal: number): { ok: boolean; message?: string } {
  // loaded here, not at the top: the job path only needs it to stop a job (see util/spawn-with-fds.ts)
  const { spawnSync } = process.getBuiltinModule('node:child_process');
  const r = spawnSync(launcher, buildKillArgv(id, signal), { encoding: 'utf8', env: {} });
  if (r.status === 0) return { ok: true };
  return { ok: false, message: (r.stderr || r.error?.message || '').trim().split('\n').at(-1) ?? '' };
}

export function markStopRequested(store: JobStore, id: string): JobRecord {
  const record = store.readRaw(id);
  if (!record.stopRequested) store.save({ ...record, stopRequested: true });
  return { ...record, stopRequested: true };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFinal(store: JobStore, id: string, ms: number): Promise<JobRecord | undefined> {
  const until = Date.now() + ms;
  for (;;) {
    const r = store.read(id);
    if (FINAL_STATES.has(r.state)) return r;
    if (Date.now() >= until) return undefined;
    await sleep(50);
  }
}

/** Stops a running job gracefully, then forcibly after `graceMs`. Resolves with its final record. */
export async function stopJob(store: JobStore, launcher: string, id: string, graceMs: number): Promise<JobRecord> {
  const record = store.read(id);
  if (FINAL_STATES.has(record.state)) throw new UserError(`job ${id} is not running (${record.state})`, ExitCode.Busy);
  markStopRequested(store, id);
  const term = signalJob(launcher, id, 15);
  if (!term.ok) {
    const again = store.read(id);
    if (FINAL_STATES.has(again.state)) return again;
    throw new UserError(`could not stop job ${id}: ${term.message || 'rnx-launch refused'}`);
  }
  const ended = await waitFinal(store, id, graceMs);
  if (ended) return ended;
  signalJob(launcher, id, 9);
  const killed = await waitFinal(store, id, 10_000);
  if (!killed) throw new UserError(`job ${id} did not end after SIGKILL`);
  return killed;
}
