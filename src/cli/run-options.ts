// The options of `rnx job run`, in one table: commander builds the help from it, and the fast path
// (which skips loading commander so a job starts sooner) parses with node:util's parseArgs from it.
import { parseArgs } from 'node:util';
import { ExitCode, UserError } from '../util/errors.js';
import type { RunCliOptions } from './commands/job.js';

export interface RunOptionSpec {
  long: keyof RunCliOptions;
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
  { long: 'env', short: 'e', value: 'KEY=VALUE', multiple: true, description: 'environment variable for the job (repeatable)' },
  { long: 'timeout', value: 'duration', description: 'stop the job after this long, e.g. 30s, 10m, 2h' },
  { long: 'detach', short: 'd', description: 'start in the background, print the job id and return' },
];

/**
 * Parses `job run` arguments (after "job run"): options up to the first non-option word or `--`,
 * the rest is the command. Returns undefined when help was asked for (commander prints it).
 */
export function parseRunArgs(args: string[]): { opts: RunCliOptions; command: string[] } | undefined {
  const valueOption = new Map<string, string>();
  for (const o of RUN_OPTIONS) {
    if (!o.value) continue;
    valueOption.set(`--${o.long}`, o.long);
    if (o.short) valueOption.set(`-${o.short}`, o.long);
  }
  // Values are joined to their option (`--memory=-1`) so a value that starts with '-' stays a value.
  const optionArgs: string[] = [];
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--' || !a.startsWith('-') || a === '-') break;
    if (a === '-h' || a === '--help') return undefined;
    const long = valueOption.get(a);
    if (long !== undefined && i + 1 < args.length) optionArgs.push(`--${long}=${args[++i]}`);
    else optionArgs.push(a);
  }
  const command = args[i] === '--' ? args.slice(i + 1) : args.slice(i);
  let values: Record<string, string | string[] | boolean | undefined>;
  try {
    values = parseArgs({
      args: optionArgs,
      strict: true,
      allowPositionals: false,
      options: Object.fromEntries(
        RUN_OPTIONS.map((o) => [
          o.long,
          { type: o.value ? 'string' : 'boolean', ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) },
        ]),
      ) as Parameters<typeof parseArgs>[0] extends infer P ? (P extends { options?: infer O } ? NonNullable<O> : never) : never,
    }).values as typeof values;
  } catch (err) {
    throw new UserError(`job run: ${(err as Error).message.split('\n')[0]}`, ExitCode.Usage);
  }
  for (const o of RUN_OPTIONS) {
    const v = values[o.long];
    if (o.choices && typeof v === 'string' && !o.choices.includes(v)) {
      throw new UserError(`job run: --${o.long} must be one of ${o.choices.join(', ')} (got "${v}")`, ExitCode.Usage);
    }
  }
  if (typeof values.runtime !== 'string' || !values.runtime) throw new UserError("job run: required option '--runtime <name>' not specified", ExitCode.Usage);
  if (command.length === 0) throw new UserError('job run: no command given (rnx job run --runtime=NAME COMMAND [ARG...])', ExitCode.Usage);
  const opts: RunCliOptions = {
    runtime: values.runtime,
    network: ((values.network as string | undefined) ?? 'none') as RunCliOptions['network'],
    env: (values.env as string[] | undefined) ?? [],
    ...(values.detach ? { detach: true } : {}),
  };
  for (const key of ['name', 'memory', 'cpu', 'pids', 'cores', 'workdir', 'timeout'] as const) {
    const v = values[key];
    if (typeof v === 'string') opts[key] = v;
  }
  return { opts, command };
}
