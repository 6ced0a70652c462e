// The host directory a job, a shell or the launch form binds read-write at the runtime's workdir. rnx-launch
// checks it again as the caller, without following symlinks; this is the early, readable refusal.
import { accessSync, constants, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ExitCode, UserError, isErrno } from '../util/errors.js';

/** Returns the directory's absolute path, or throws a one-line UserError (exit 2) saying what is wrong with it. */
export function checkWorkdir(dir: string): string {
  const abs = resolve(dir);
  let st;
  try {
    st = statSync(abs);
  } catch (err) {
    if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) throw new UserError(`workdir ${abs} does not exist`, ExitCode.Usage);
    throw new UserError(`workdir ${abs} cannot be reached by you`, ExitCode.Usage);
  }
  if (!st.isDirectory()) throw new UserError(`workdir ${abs} is not a directory`, ExitCode.Usage);
  try {
    accessSync(abs, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch {
    throw new UserError(`workdir ${abs} is not readable and writable by you`, ExitCode.Usage);
  }
  return abs;
}
