// Walking, hashing and copying runtime trees without ever following a symlink.
import { createHash } from 'node:crypto';
import { chmodSync, constants, copyFileSync, lstatSync, mkdirSync, readdirSync, readlinkSync, symlinkSync, type Stats } from 'node:fs';
import { chmod, lstat, open, readdir, readlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { UserError } from '../util/errors.js';
import { printable } from './names.js';
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
}

/** Lists every entry under `root` (relative paths, "." for root), hashing files with bounded concurrency. */
export async function scanTree(root: string, opts: ScanOptions = {}): Promise<ManifestEntry[]> {
  const entries: ManifestEntry[] = [];
  const files: ManifestEntry[] = [];
  const walk = async (rel: string): Promise<void> => {
    const abs = rel === '.' ? root : join(root, rel);
    const st = await lstat(abs);
    const type = entryType(st, abs);
    const entry: ManifestEntry = { path: rel, type, mode: type === 'symlink' ? 0o777 : st.mode & 0o7777, size: 0 };
    if (type === 'file') {
      entry.size = st.size;
      files.push(entry);
    } else if (type === 'symlink') {
      entry.target = await readlink(abs);
      entry.size = Buffer.byteLength(entry.target);
    }
    entries.push(entry);
    if (type === 'dir') {
      const names = await readdir(abs);
      for (const name of names.sort()) await walk(rel === '.' ? name : `${rel}/${name}`);
    }
  };
  await walk('.');
  if (opts.hash !== false) {
    await forEachLimit(files, 8, async (e) => {
      e.sha256 = await hashFile(join(root, e.path));
      opts.onFile?.(e.size);
    });
  }
  return entries;
}

/** sha256 of a file opened with O_NOFOLLOW. */
export async function hashFile(path: string): Promise<string> {
  const fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const hash = createHash('sha256');
    const buf = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      hash.update(buf.subarray(0, bytesRead));
    }
    return hash.digest('hex');
  } finally {
    await fh.close();
  }
}

export async function forEachLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
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
 * refusing to go through a symlink. Returns true when it created something.
 */
export function ensureMountPoint(root: string, inTreePath: string): boolean {
  let created = false;
  let cur = root;
  for (const part of inTreePath.split('/').filter(Boolean)) {
    cur = join(cur, part);
    let st: Stats | undefined;
    try {
      st = lstatSync(cur);
    } catch {
      st = undefined;
    }
    if (!st) {
      mkdirSync(cur, { mode: 0o755 });
      created = true;
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
