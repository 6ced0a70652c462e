// Creating directories with modes that do not depend on the umask, and telling "missing" from "unreadable".
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { ExitCode, UserError, isErrno } from './errors.js';

/**
 * Creates `path` with `mode` and every missing ancestor with `parentMode` (0755: other users must be able
 * to reach what lies below, e.g. the store under /opt/rnx). Only directories created here are chmod-ed, so
 * that a umask such as 077 cannot make them private; existing ones are left as they are.
 */
export function makeDirs(path: string, mode: number, parentMode = 0o755): void {
  const missing: string[] = [];
  for (let p = path; !exists(p); p = dirname(p)) {
    missing.push(p);
    if (dirname(p) === p) break;
  }
  for (let i = missing.length - 1; i >= 0; i--) {
    const p = missing[i]!;
    const m = i === 0 ? mode : parentMode;
    try {
      mkdirSync(p, { mode: m });
    } catch (err) {
      if (isErrno(err, 'EEXIST')) continue; // made meanwhile by someone else: theirs to keep as it is
      throw err;
    }
    chmodSync(p, m);
  }
}

function exists(p: string): boolean {
  try {
    statSync(p);
    return true;
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return false;
    throw err;
  }
}

/**
 * Whether a directory exists, as a lookup that may be read by anyone needs to know: false when it (or a
 * parent) does not exist; a UserError naming the directory when it cannot be read.
 */
export function readableDirExists(path: string): boolean {
  try {
    statSync(path);
  } catch (err) {
    if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) return false;
    if (isErrno(err, 'EACCES')) throw new UserError(`cannot read ${unreadableAncestor(path)}: permission denied`, ExitCode.Permission);
    throw err;
  }
  return true;
}

/** The first directory on the way to `path` that cannot be searched (where the permission stops). */
function unreadableAncestor(path: string): string {
  const chain: string[] = [];
  for (let p = path; ; p = dirname(p)) {
    chain.unshift(p);
    if (dirname(p) === p) break;
  }
  for (const p of chain) {
    try {
      statSync(p);
    } catch {
      return dirname(p);
    }
  }
  return path;
}
