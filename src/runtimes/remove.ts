import { renameSync, rmSync } from 'node:fs';
import { ExitCode, UserError } from '../util/errors.js';
import { storeLayout } from './paths.js';
import { requireRoot } from './privileges.js';
import { trashName } from './staging.js';
import { requireInstalled } from './store.js';
import { runtimesInUse } from '../launcher/processes.js';

/** Removes an installed runtime; refuses while a job runs in it unless forced. */
export function removeRuntime(root: string, name: string, force = false): { name: string } {
  requireInstalled(root, name);
  requireRoot('removing a runtime', `rnx runtime remove ${name}`);
  const pids = runtimesInUse().get(name);
  if (pids?.length && !force) {
    throw new UserError(`runtime ${name} is in use by ${pids.length} running job(s); stop them or use --force`, ExitCode.Busy);
  }
  const trash = trashName(storeLayout.runtimesDir(root), name);
  renameSync(storeLayout.runtimeDir(root, name), trash);
  rmSync(trash, { recursive: true, force: true });
  return { name };
}
