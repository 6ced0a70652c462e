// Builds rnx-launch's argv from typed options (the launcher re-validates everything itself).

export interface LaunchOptions {
  runtime: string;
  command: string[];
  /** bytes, or a string like "512M" */
  memory?: number | string;
  /** percent of one core */
  cpu?: number;
  pids?: number;
  /** e.g. "0-1,3" or [0, 1, 3] */
  cores?: string | number[];
  net?: 'none' | 'host';
  /** host directory bound read-write at the runtime's workdir */
  workdir?: string;
  /** passed as `--env KEY=VALUE` arguments: readable by every local user in /proc/PID/cmdline while the job runs */
  env?: Record<string, string> | string[];
  /** a descriptor (>= 3) of the launcher's from which it reads the job's variables (`envRecords`): `--env-fd` */
  envFd?: number;
  hostname?: string;
  /** seconds */
  timeout?: number;
  jobId?: string;
  statusFd?: number;
  interactive?: boolean;
  detach?: boolean;
  /** bytes of output kept (0: no cap, if the policy allows it), or a string like "64M" */
  logMax?: number | string;
}

const RUNTIME_RE = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const JOB_ID_RE = /^[A-Za-z0-9_-]{1,64}$/;
/** A job's cgroup directory is named after its id, beside these cgroup (v1) control files: the launcher refuses them. */
const RESERVED_JOB_IDS = new Set(['tasks', 'notify_on_release', 'release_agent']);
const ENV_KEY_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SIZE_RE = /^[0-9]+[KMGTkmgt]?$/;
const CORES_RE = /^[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*$/;

/** KEY=VALUE entries, checked as the launcher checks them. */
function envEntries(env: Record<string, string> | string[]): string[] {
  const entries = Array.isArray(env) ? env : Object.entries(env).map(([k, v]) => `${k}=${v}`);
  for (const kv of entries) {
    const key = kv.slice(0, kv.indexOf('='));
    if (kv.indexOf('=') < 1 || !ENV_KEY_RE.test(key)) throw new Error(`invalid environment entry: ${kv}`);
    if (kv.includes('\0')) throw new Error('environment values cannot contain NUL');
  }
  return entries;
}

/** What `--env-fd` reads: each KEY=VALUE followed by a NUL byte. */
export function envRecords(env: Record<string, string> | string[]): string {
  return envEntries(env)
    .map((kv) => `${kv}\0`)
    .join('');
}

function posInt(name: string, v: number): string {
  if (!Number.isSafeInteger(v) || v < 1) throw new Error(`${name} must be a positive integer, got ${v}`);
  return String(v);
}

export function buildLaunchArgv(o: LaunchOptions): string[] {
  if (!RUNTIME_RE.test(o.runtime)) throw new Error(`invalid runtime name: ${o.runtime}`);
  if (o.command.length === 0 || o.command[0] === '') throw new Error('a command is required');
  if (o.interactive && o.detach) throw new Error('interactive and detach cannot be combined');
  const a: string[] = ['--runtime', o.runtime];
  if (o.memory !== undefined) {
    const m = typeof o.memory === 'number' ? posInt('memory', o.memory) : o.memory;
    if (!SIZE_RE.test(m)) throw new Error(`invalid memory size: ${m}`);
    a.push('--memory', m);
  }
  if (o.cpu !== undefined) a.push('--cpu', posInt('cpu', o.cpu));
  if (o.pids !== undefined) a.push('--pids', posInt('pids', o.pids));
  if (o.cores !== undefined) {
    const c = Array.isArray(o.cores)
      ? o.cores
          .map((n) => {
            if (!Number.isInteger(n) || n < 0) throw new Error(`invalid core ${n}`);
            return String(n);
          })
          .join(',')
      : o.cores;
    if (!CORES_RE.test(c)) throw new Error(`invalid cores list: ${c}`);
    a.push('--cores', c);
  }
  if (o.net !== undefined) a.push('--net', o.net);
  if (o.workdir !== undefined) a.push('--workdir', o.workdir);
  for (const kv of o.env === undefined ? [] : envEntries(o.env)) a.push('--env', kv);
  if (o.envFd !== undefined) {
    if (!Number.isInteger(o.envFd) || o.envFd < 3 || o.envFd === o.statusFd) throw new Error('envFd must be an integer >= 3, not statusFd');
    a.push('--env-fd', String(o.envFd));
  }
  if (o.hostname !== undefined) a.push('--hostname', o.hostname);
  if (o.timeout !== undefined) a.push('--timeout', posInt('timeout', o.timeout));
  if (o.jobId !== undefined) {
    if (!JOB_ID_RE.test(o.jobId)) throw new Error(`invalid job id: ${o.jobId}`);
    if (RESERVED_JOB_IDS.has(o.jobId)) throw new Error(`job id '${o.jobId}' is reserved (the name of a cgroup control file)`);
    a.push('--job-id', o.jobId);
  }
  if (o.statusFd !== undefined) {
    if (!Number.isInteger(o.statusFd) || o.statusFd < 3) throw new Error('statusFd must be an integer >= 3');
    a.push('--status-fd', String(o.statusFd));
  }
  if (o.logMax !== undefined) {
    const m = typeof o.logMax === 'number' ? (o.logMax === 0 ? '0' : posInt('logMax', o.logMax)) : o.logMax;
    if (!SIZE_RE.test(m)) throw new Error(`invalid output size: ${m}`);
    a.push('--log-max', m);
  }
  if (o.interactive) a.push('--interactive');
  if (o.detach) a.push('--detach');
  a.push('--', ...o.command);
  return a;
}

export function buildKillArgv(jobId: string, signal?: number): string[] {
  if (!JOB_ID_RE.test(jobId)) throw new Error(`invalid job id: ${jobId}`);
  const a = ['--kill', jobId];
  if (signal !== undefined) {
    if (!Number.isInteger(signal) || signal < 1 || signal > 64) throw new Error(`invalid signal ${signal}`);
    a.push('--signal', String(signal));
  }
  return a;
}
