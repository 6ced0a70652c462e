// The options of `rnx job run`, in one table: commander builds the help from it, and the fast path
// (which skips loading commander so a job starts sooner) parses with it.
import { ExitCode, UserError } from '../util/errors.js';
import type { RunCliOptions } from './commands/job.js';

export interface RunOptionSpec {
  long: keyof RunCliOptions;
  /** the option's name on the command line, where it is not `long` (`--log-max` for logMax) */
  flag?: string;
  short?: string;
  value?: string;
  multiple?: boolean;
  choices?: string[];
  default?: string;
  description: string;
}

export const RUN_OPTIONS: RunOptionSpec[] = [
  { long: 'runtime', value: 'name', description: 'installed runtime to run in (required)' },
  { long: 'name', value: 'name', description: 'a name for the job' },
  { long: 'memory', value: 'size', description: 'memory limit, e.g. 512M or 2G' },
  { long: 'cpu', value: 'percent', description: 'CPU limit in percent of one core, e.g. 50 or 200' },
  { long: 'pids', value: 'n', description: 'maximum number of processes' },
  { long: 'cores', value: 'list', description: 'CPUs the job may use, e.g. 0-1,3' },
  { long: 'network', value: 'mode', choices: ['none', 'host'], default: 'none', description: 'network access' },
  { long: 'workdir', value: 'dir', description: "host directory mounted read-write at the runtime's workdir" },
  {
    long: 'env',
    short: 'e',
    value: 'KEY[=VALUE]',
    multiple: true,
    description: 'environment variable for the job (repeatable); KEY alone takes its value from your environment, out of every command line',
  },
  { long: 'timeout', value: 'duration', description: 'stop the job after this long, e.g. 30s, 10m, 2h' },
  {
    long: 'logMax',
    flag: 'log-max',
    value: 'size',
    description: "output kept in the job's record, the most recent (e.g. 64M; 0 = all, if the policy allows; default: the policy's, 1G)",
  },
  { long: 'detach', short: 'd', description: 'start in the background, print the job id and return' },
];

/**
 * Parses `job run` arguments (after "job run"): options up to the first word that is not one, or `--`; the
 * rest is the command. Returns undefined when help was asked for (commander prints it).
 * By hand from the table rather than with node:util's parseArgs: its first call alone costs 1.3 ms, a twentieth
 * of a job's start-up budget, for a grammar this small: --long, --long=value, --long value, -s, -s value.
 */
export function parseRunArgs(args: string[]): { opts: RunCliOptions; command: string[] } | undefined {
  const byFlag = new Map<string, RunOptionSpec>();
  for (const o of RUN_OPTIONS) {
    byFlag.set(`--${o.flag ?? o.long}`, o);
    if (o.short) byFlag.set(`-${o.short}`, o);
  }
  const values: Partial<Record<keyof RunCliOptions, string | string[] | true>> = {};
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--' || !a.startsWith('-') || a === '-') break;
    if (a === '-h' || a === '--help') return undefined;
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const flag = eq === -1 ? a : a.slice(0, eq);
    const o = byFlag.get(flag);
    if (!o) throw usage(`unknown option '${flag}' (options go before the command; rnx job run --help lists them)`);
    if (!o.value) {
      if (eq !== -1) throw usage(`option '--${o.flag ?? o.long}' takes no value`);
      values[o.long] = true;
      continue;
    }
    // a value apart from its option is taken as it is, even when it starts with '-' (--memory -1)
    let v: string;
    if (eq !== -1) v = a.slice(eq + 1);
    else if (i + 1 < args.length) v = args[++i]!;
    else throw usage(`option '${flag} <${o.value}>' needs a value`);
    if (o.choices && !o.choices.includes(v)) throw usage(`--${o.flag ?? o.long} must be one of ${o.choices.join(', ')} (got "${v}")`);
    if (o.multiple) ((values[o.long] ??= []) as string[]).push(v);
    else values[o.long] = v;
  }
  const command = args[i] === '--' ? args.slice(i + 1) : args.slice(i);
  if (typeof values.runtime !== 'string' || !values.runtime) throw usage("required option '--runtime <name>' not specified");
  if (command.length === 0) throw usage('no command given (rnx job run --runtime=NAME COMMAND [ARG...])');
  const opts: RunCliOptions = {
    runtime: values.runtime,
    network: ((values.network as string | undefined) ?? 'none') as RunCliOptions['network'],
    env: (values.env as string[] | undefined) ?? [],
    ...(values.detach ? { detach: true } : {}),
  };
  for (const key of ['name', 'memory', 'cpu', 'pids', 'cores', 'workdir', 'timeout', 'logMax'] as const) {
    const v = values[key];
    if (typeof v === 'string') opts[key] = v;
  }
  return { opts, command };
}

const usage = (message: string) => new UserError(`job run: ${message}`, ExitCode.Usage);
