import { printable } from '../util/printable.js';

const NAME_RE = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** Returns an error message when `name` is not a valid runtime name, else undefined. */
export function runtimeNameProblem(name: string): string | undefined {
  if (NAME_RE.test(name) && name !== '.' && name !== '..') return undefined;
  if (name.length === 0) return 'runtime name is empty';
  if (name.length > 64) return `runtime name is longer than 64 characters: ${name.slice(0, 20)}…`;
  return `invalid runtime name "${printable(name)}": use 1-64 of a-z 0-9 . _ - starting with a letter or digit`;
}

const SCRATCH_RE = /^rnx-build-(\d+)-/;

/** The name a build installs its runtime under while testing it; hidden from listings. */
export function scratchRuntimeName(name: string, pid = process.pid): string {
  return `rnx-build-${pid}-${name}`.slice(0, 64).replace(/[._-]+$/, '');
}

/** The pid of the build that owns scratch runtime `name`, or undefined when `name` is not a scratch name. */
export function scratchOwnerPid(name: string): number | undefined {
  const m = SCRATCH_RE.exec(name);
  return m ? Number(m[1]) : undefined;
}
