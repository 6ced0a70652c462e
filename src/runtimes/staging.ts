// Staging directories live inside the runtimes directory (same filesystem, so the final rename is atomic)
// and are named after the process that owns them, so a later run can remove those of a dead process.
import { existsSync, renameSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { removeDebrisOfDeadProcesses, pidFromName } from '../util/debris.js';
import { ExitCode, UserError } from '../util/errors.js';
import { makeDirs } from '../util/dirs.js';

const STAGING_RE = /^\.(?:staging|trash)-(\d+)-/;

/** Removes staging and trash directories left behind by processes that no longer run. */
export function cleanStaleStaging(runtimesDir: string): string[] {
  return removeDebrisOfDeadProcesses(runtimesDir, pidFromName(STAGING_RE)).map((p) => basename(p));
}

export function ensureRuntimesDir(runtimesDir: string): void {
  makeDirs(runtimesDir, 0o755);
}

export function newStagingDir(runtimesDir: string): Promise<string> {
  return mkdtemp(join(runtimesDir, `.staging-${process.pid}-`));
}

export function trashName(runtimesDir: string, name: string): string {
  return join(runtimesDir, `.trash-${process.pid}-${name}`);
}

/**
 * Puts a finished staging directory in place as `target` with one rename. An existing runtime is replaced only
 * with `force`: renamed aside first (so the name never points at nothing half-made), then removed.
 * `clash` is the message when the name is taken and `force` was not given. Returns whether it replaced one.
 */
export function swapIntoPlace(staging: string, target: string, runtimesDir: string, name: string, force: boolean, clash?: string): boolean {
  if (!existsSync(target)) {
    renameSync(staging, target);
    return false;
  }
  if (!force) throw new UserError(clash ?? `runtime ${name} is already installed; use --force to replace it`, ExitCode.Busy);
  const trash = trashName(runtimesDir, name);
  renameSync(target, trash);
  renameSync(staging, target);
  rmSync(trash, { recursive: true, force: true });
  return true;
}
