// Parsing of the limits users type (`--memory 512M`, `--timeout 10m`, …).
import { availableParallelism } from 'node:os';
import { ExitCode, UserError } from '../util/errors.js';

const usage = (msg: string) => new UserError(msg, ExitCode.Usage);

const SIZE_UNITS: Record<string, number> = { '': 1, B: 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/** `512M`, `2G`, `1048576`, `1.5G` -> bytes. */
export function parseMemory(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([BKMGT]?)(?:i?B)?$/i.exec(text.trim());
  if (!m) throw usage(`invalid memory limit "${text}": use a size like 512M or 2G`);
  const bytes = Math.floor(Number(m[1]) * SIZE_UNITS[m[2]!.toUpperCase()]!);
  if (!Number.isSafeInteger(bytes) || bytes < 1024 * 1024) throw usage(`invalid memory limit "${text}": must be at least 1M`);
  return bytes;
}

/** `--log-max`: `64M`, `1G`, or `0` for no cap (if the policy allows it) -> bytes. */
export function parseLogMax(text: string): number {
  if (/^0+$/.test(text.trim())) return 0;
  const m = /^(\d+(?:\.\d+)?)([BKMGT]?)(?:i?B)?$/i.exec(text.trim());
  const bytes = m ? Math.floor(Number(m[1]) * SIZE_UNITS[m[2]!.toUpperCase()]!) : NaN;
  if (!Number.isSafeInteger(bytes) || bytes < 1024 * 1024 || bytes > 1024 ** 5) {
    throw usage(`invalid output size "${text}": use a size from 1M to 1024T like 64M or 1G, or 0 for no limit`);
  }
  return bytes;
}

/** Percent of one core: `50` is half a core, `200` two cores. */
export function parseCpu(text: string): number {
  if (!/^\d+$/.test(text)) throw usage(`invalid CPU limit "${text}": use a whole percent of one core, like 50 (or 200 for two cores)`);
  const pct = Number(text);
  const max = availableParallelism() * 100;
  if (pct < 1 || pct > max) throw usage(`invalid CPU limit "${text}": must be between 1 and ${max} (this machine has ${max / 100} cores)`);
  return pct;
}

export function parsePids(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 4_194_304) throw usage(`invalid pids limit "${text}": use a whole number from 1`);
  return Number(text);
}

const DURATION_UNITS: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400 };

/** `90`, `30s`, `10m`, `2h` -> seconds. */
export function parseDuration(text: string, what = 'timeout'): number {
  const m = /^(\d+)([smhd]?)$/.exec(text.trim());
  if (!m) throw usage(`invalid ${what} "${text}": use a duration like 30s, 10m or 2h`);
  const secs = Number(m[1]) * DURATION_UNITS[m[2]!]!;
  if (secs < 1 || !Number.isSafeInteger(secs)) throw usage(`invalid ${what} "${text}": must be at least 1s`);
  return secs;
}

/** `0-1,3` -> validated against the CPUs this machine has. */
export function parseCores(text: string): string {
  const n = availableParallelism();
  if (!/^\d+(-\d+)?(,\d+(-\d+)?)*$/.test(text)) throw usage(`invalid core list "${text}": use a list like 0-1,3`);
  for (const part of text.split(',')) {
    const [a, b] = part.split('-').map(Number);
    if (a! >= n || (b !== undefined && (b >= n || b < a!))) throw usage(`invalid core list "${text}": this machine has cores 0-${n - 1}`);
  }
  return text;
}

/**
 * `KEY=VALUE`, or a bare `KEY` whose value is taken from `from` (rnx's own environment), as docker's -e does: a
 * secret given that way never appears in any command line (rnx's own is readable by every local user).
 */
export function parseEnvAssignment(text: string, from: NodeJS.ProcessEnv | undefined = undefined): [string, string] {
  const eq = text.indexOf('=');
  const key = eq > 0 ? text.slice(0, eq) : eq < 0 && from ? text : '';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw usage(`invalid environment assignment "${text}": use KEY=VALUE${from ? ' or KEY' : ''}`);
  let value: string;
  if (eq > 0) value = text.slice(eq + 1);
  else {
    const inherited = from?.[key];
    if (inherited === undefined) throw usage(`-e ${key}: ${key} is not set in your environment (use ${key}=VALUE, or export it first)`);
    value = inherited;
  }
  if (/[\0\n]/.test(value)) throw usage(`invalid environment value for ${key}: no newlines or NUL bytes`);
  return [key, value];
}
