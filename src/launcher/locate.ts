// Finds the installed launcher and says how to fix it when it is unusable.
import { statSync } from 'node:fs';
import { ExitCode, UserError } from '../util/errors.js';
import { CONF_PATH, LAUNCHER_PATH } from './paths.js';

/** Returns the launcher's path, or throws a UserError (exit 4) with a one-line message that says how to fix it. */
export function checkLauncher(path: string = LAUNCHER_PATH, confPath: string = CONF_PATH): string {
  let st;
  try {
    st = statSync(path);
  } catch {
    unusable(`rnx-launch is not installed at ${path}; run: sudo rnx setup`);
  }
  if (!st.isFile()) unusable(`${path} is not a regular file; run: sudo rnx setup`);
  if (st.uid !== 0 || (st.mode & 0o4000) === 0) unusable(`${path} is not setuid root; run: sudo rnx setup`);
  if ((st.mode & 0o022) !== 0) unusable(`${path} is writable by group or others; run: sudo rnx setup`);
  if ((st.mode & 0o001) === 0) unusable(`${path} is not executable by other users; run: sudo rnx setup`);
  try {
    statSync(confPath);
  } catch {
    unusable(`the launcher policy ${confPath} is missing; run: sudo rnx setup`);
  }
  return path;
}

function unusable(message: string): never {
  throw new UserError(message, ExitCode.Permission);
}
