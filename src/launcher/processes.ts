// rnx-launch processes, told apart by their command line (`/proc/PID/cmdline`): the supervisor, the guard and the
// job's PID 1 keep the launcher's argv, which names the job (`--job-id ID`) and the runtime (`--runtime NAME`).
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

function argvOf(pid: number | string): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return undefined;
  }
}

/** The value of `--NAME VALUE` or `--NAME=VALUE` among the launcher's options (never the command's, after `--`). */
function optionValue(args: string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') return undefined;
    if (a === `--${name}`) return args[i + 1];
    if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
  }
  return undefined;
}

/** Whether any of `pids` still runs as this job's launcher or PID 1. */
export function launcherProcessAlive(jobId: string, pids: Array<number | undefined>): boolean {
  for (const pid of pids) {
    if (!pid) continue;
    const argv = argvOf(pid);
    if (argv && optionValue(argv.slice(1), 'job-id') === jobId) return true;
  }
  return false;
}

/** Runtime name -> pids of the rnx-launch processes running a job in it (every user's). */
export function runtimesInUse(): Map<string, number[]> {
  const inUse = new Map<string, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const argv = argvOf(entry);
    if (!argv?.[0]?.endsWith('rnx-launch')) continue;
    const name = optionValue(argv.slice(1), 'runtime');
    if (name) inUse.set(name, [...(inUse.get(name) ?? []), Number(entry)]);
  }
  return inUse;
}

/** The runtime and command of a job, from its launcher's command line (`--runtime NAME … -- COMMAND…`). */
export function launcherJob(pid: number): { runtime?: string; command: string[] } | undefined {
  const argv = argvOf(pid);
  if (!argv?.[0]?.endsWith('rnx-launch')) return undefined;
  const args = argv.slice(1, argv.at(-1) === '' ? -1 : undefined);
  const dash = args.indexOf('--');
  return { runtime: optionValue(args, 'runtime'), command: dash >= 0 ? args.slice(dash + 1) : [] };
}

/** Where a launcher's descriptor `fd` leads (root can read any process's). */
export function launcherFdPath(pid: number, fd: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/fd/${fd}`);
  } catch {
    return undefined;
  }
}
