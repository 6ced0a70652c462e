// Walking, hashing and copying runtime trees without ever following a symlink.
import { createHash } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  constants,
  copyFileSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readlinkSync,
  readSync,
  symlinkSync,
  type Stats,
} from 'node:fs';
import { chmod } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { UserError, isErrno } from '../util/errors.js';
import { printable } from '../util/printable.js';
import type { EntryType, ManifestEntry } from './manifest.js';

/** Installed trees are never writable by group or others. */
export function cleanMode(mode: number): number {
  return mode & 0o7777 & ~0o022;
}

export function entryType(st: Stats, shownPath: string): EntryType {
  if (st.isDirectory()) return 'dir';
  if (st.isFile()) return 'file';
  if (st.isSymbolicLink()) return 'symlink';
  const kind = st.isFIFO() ? 'a FIFO' : st.isSocket() ? 'a socket' : 'a device node';
  throw new UserError(`${printable(shownPath)} is ${kind}; runtimes may not contain ${kind.replace(/^an? /, '')}s`);
}

export interface ScanOptions {
  /** Compute sha256 of files (default true). */
  hash?: boolean;
  onFile?: (bytes: number) => void;
  /**
   * Called with a directory that cannot be listed (EACCES: readable by root only, e.g. /root as another user),
   * which is then left out; without it such a directory is an error.
   */
  onUnreadableDir?: (rel: string) => void;
}

/** Lists every entry under `root` (relative paths, "." for root), hashing files with bounded concurrency. */
export async function scanTree(root: string, opts: ScanOptions = {}): Promise<ManifestEntry[]> {
  const entries: ManifestEntry[] = [];
  const files: ManifestEntry[] = [];
  // Synchronous walk: from the dentry cache it is several times faster than awaiting each lstat.
  const walk = (rel: string): void => {
    const abs = rel === '.' ? root : join(root, rel);
    const st = lstatSync(abs);
    const type = entryType(st, abs);
    const entry: ManifestEntry = { path: rel, type, mode: type === 'symlink' ? 0o777 : st.mode & 0o7777, size: 0 };
    if (type === 'file') {
      entry.size = st.size;
      files.push(entry);
    } else if (type === 'symlink') {
      entry.target = readlinkSync(abs);
      entry.size = Buffer.byteLength(entry.target);
    }
    entries.push(entry);
    if (type === 'dir') {
      let names: string[];
      try {
        names = readdirSync(abs);
      } catch (err) {
        if (!opts.onUnreadableDir || !isErrno(err, 'EACCES')) throw err;
        opts.onUnreadableDir(rel);
        return;
      }
      for (const name of names.sort()) walk(rel === '.' ? name : `${rel}/${name}`);
    }
  };
  walk('.');
  if (opts.hash !== false) {
    await hashFiles(root, files, (e, sha) => {
      e.sha256 = sha;
      opts.onFile?.(e.size);
    });
  }
  return entries;
}

const HASH_BUFFER = Buffer.allocUnsafe(1 << 20);

/**
 * sha256 of a file opened with O_NOFOLLOW. Synchronous reads into one reused buffer: from the page cache
 * this is several times faster than async reads, which cost a threadpool round trip and garbage per file.
 */
export function hashFileSync(path: string): string {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const hash = createHash('sha256');
    for (;;) {
      const n = readSync(fd, HASH_BUFFER, 0, HASH_BUFFER.length, null);
      if (n === 0) break;
      hash.update(HASH_BUFFER.subarray(0, n));
    }
    return hash.digest('hex');
  } finally {
    closeSync(fd);
  }
}

/**
 * Hashes files in order, yielding to the event loop every ~32 MB so progress and UIs stay live. A file the
 * caller may not read goes to `onUnreadable` where one is given (else it is an error).
 */
export async function hashFiles(
  root: string,
  files: ManifestEntry[],
  onHashed: (entry: ManifestEntry, sha: string) => void,
  onUnreadable?: (entry: ManifestEntry) => void,
): Promise<void> {
  let sinceYield = 0;
  for (const e of files) {
    let sha: string;
    try {
      sha = hashFileSync(join(root, e.path));
    } catch (err) {
      if (!onUnreadable || !isErrno(err, 'EACCES')) throw err;
      onUnreadable(e);
      continue;
    }
    onHashed(e, sha);
    sinceYield += e.size + 4096;
    if (sinceYield > 32 << 20) {
      sinceYield = 0;
      await new Promise((r) => setImmediate(r));
    }
  }
}

/** Strips group/other write from every file and directory of a staged tree (root-owned trees only). */
export async function normalizeModes(root: string, entries: ManifestEntry[]): Promise<void> {
  for (const e of entries) {
    if (e.type === 'symlink') continue;
    const clean = cleanMode(e.mode);
    if (clean !== e.mode) {
      await chmod(e.path === '.' ? root : join(root, e.path), clean);
      e.mode = clean;
    }
  }
}

/**
 * Creates directory `inTreePath` (absolute, as the job sees it) inside the staged tree `root` when missing,
 * refusing to go through a symlink. Returns the tree-relative paths it created.
 */
export function ensureMountPoint(root: string, inTreePath: string): string[] {
  const created: string[] = [];
  let cur = root;
  let rel = '';
  for (const part of inTreePath.split('/').filter(Boolean)) {
    cur = join(cur, part);
    rel = rel ? `${rel}/${part}` : part;
    let st: Stats | undefined;
    try {
      st = lstatSync(cur);
    } catch {
      st = undefined;
    }
    if (!st) {
      mkdirSync(cur, { mode: 0o755 });
      chmodSync(cur, 0o755); // whatever the installer's umask: the manifest records 0755
      created.push(rel);
    } else if (st.isSymbolicLink()) {
      throw new UserError(`mount point ${inTreePath} goes through a symlink in the runtime tree (${posix.join('/', part)})`);
    } else if (!st.isDirectory()) {
      throw new UserError(`mount point ${inTreePath} exists in the runtime tree but is not a directory`);
    }
  }
  return created;
}

/** Copies a directory tree (never following symlinks) into `dest`, which must not exist. */
export function copyTreeSync(src: string, dest: string, onFile?: (bytes: number) => void): void {
  const st = lstatSync(src);
  const type = entryType(st, src);
  if (type === 'dir') {
    mkdirSync(dest, { mode: 0o700 });
    for (const name of readdirSync(src)) copyTreeSync(join(src, name), join(dest, name), onFile);
  } else if (type === 'symlink') {
    symlinkSync(readlinkSync(src), dest);
  } else {
    copyFileExclusive(src, dest, st.mode & 0o7777);
    onFile?.(st.size);
  }
}

function copyFileExclusive(src: string, dest: string, mode: number): void {
  copyFileSync(src, dest, constants.COPYFILE_EXCL);
  chmodSync(dest, mode);
}

/** Restores directory modes after a copy (they were created 0700 so the copy could write into them). */
export function copyDirModesSync(src: string, dest: string): void {
  const st = lstatSync(src);
  if (!st.isDirectory()) return;
  for (const name of readdirSync(src)) copyDirModesSync(join(src, name), join(dest, name));
  chmodSync(dest, st.mode & 0o7777);
}
