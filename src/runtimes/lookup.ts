// Cheap lookups of installed runtimes (no YAML parsing): used on the job path.
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readableDirExists } from '../util/dirs.js';
import { ExitCode, UserError, isErrno } from '../util/errors.js';
import { runtimeNameProblem, scratchOwnerPid } from './names.js';
import { storeLayout } from './paths.js';

/** Installed runtimes, sorted; runtimes a build is still testing are left out. */
export function listRuntimeNames(root: string): string[] {
  const dir = storeLayout.runtimesDir(root);
  if (!readableDirExists(dir)) return [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    if (isErrno(err, 'EACCES')) throw new UserError(`cannot read ${dir}: permission denied`, ExitCode.Permission);
    throw err;
  }
  return names
    .filter((n) => runtimeNameProblem(n) === undefined && scratchOwnerPid(n) === undefined)
    .filter((n) => lstatSync(join(dir, n)).isDirectory())
    .sort();
}

/** Returns the runtime's directory, or throws a NotFound UserError naming the installed runtimes. */
export function requireInstalled(root: string, name: string): string {
  const problem = runtimeNameProblem(name);
  if (problem) throw new UserError(problem, ExitCode.Usage);
  const path = storeLayout.runtimeDir(root, name);
  if (!readableDirExists(path)) {
    const names = listRuntimeNames(root);
    const hint = names.length ? `installed: ${names.join(', ')}` : 'no runtimes are installed (rnx runtime install NAME)';
    throw new UserError(`unknown runtime "${name}"; ${hint}`, ExitCode.NotFound);
  }
  return path;
}
