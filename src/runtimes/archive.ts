// Safe, single-pass extraction of a packed runtime into a staging directory, hashing as it writes.
import {
  closeSync,
  createReadStream,
  fchmodSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readSync,
  symlinkSync,
  writeSync,
  chmodSync,
  fstatSync,
} from 'node:fs';
import { createGunzip } from 'node:zlib';
import { createHash } from 'node:crypto';
import { join, posix } from 'node:path';
import { Parser, type ReadEntry } from 'tar';
import { UserError } from '../util/errors.js';
import { printable } from '../util/printable.js';
import type { ManifestEntry } from './manifest.js';
import { runtimeFiles } from './paths.js';
import { cleanMode } from './tree.js';

export interface ExtractResult {
  entries: ManifestEntry[];
}

/** Top-level archive members rnx regenerates itself; accepted and skipped. */
const REGENERATED = new Set<string>([runtimeFiles.manifest, runtimeFiles.launchSpec]);

function isGzip(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(2);
    return readSync(fd, buf, 0, 2, 0) === 2 && buf[0] === 0x1f && buf[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

/**
 * Extracts `archive` (tar or tar.gz) into `dest` (an empty directory of ours) and returns the manifest
 * entries of isolated/. Refuses absolute paths, `..`, links leaving the tree, special files and anything
 * written through a symlink. Throws UserError on the first bad entry or a damaged archive.
 */
export function extractRuntimeArchive(
  archive: string,
  dest: string,
  onProgress: (bytesRead: number, total: number) => void = () => {},
): Promise<ExtractResult> {
  const total = lstatSync(archive).size;
  return new Promise<ExtractResult>((resolve, reject) => {
    let failed = false;
    const state = new ExtractState(dest, (err) => fail(err));
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      input.destroy();
      const systemError = typeof (err as NodeJS.ErrnoException)?.syscall === 'string';
      reject(err instanceof UserError || systemError ? err : new UserError(`${archive}: damaged archive (${describe(err)})`));
    };
    const parser = new Parser({
      strict: true,
      brotli: false,
      onwarn: (_code: string, message: string | Error) => fail(new UserError(`${archive}: damaged archive: ${describe(message)}`)),
    });
    parser.on('entry', (entry: ReadEntry) => {
      if (failed) return entry.resume();
      try {
        state.add(entry);
      } catch (err) {
        entry.resume();
        fail(err);
      }
    });
    parser.on('error', fail);
    parser.on('close', () => {
      if (failed) return;
      try {
        resolve({ entries: state.finish(archive) });
      } catch (err) {
        fail(err);
      }
    });
    let read = 0;
    const input = createReadStream(archive, { highWaterMark: 1 << 20 });
    input.on('data', (chunk) => {
      read += chunk.length;
      onProgress(read, total);
    });
    input.on('error', fail);
    if (isGzip(archive)) {
      const gunzip = createGunzip({ chunkSize: 1 << 20 });
      gunzip.on('error', fail);
      input.pipe(gunzip).pipe(parser);
    } else {
      input.pipe(parser);
    }
  });
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

class ExtractState {
  private readonly entries = new Map<string, ManifestEntry>();
  private readonly symlinks = new Set<string>();
  private readonly dirModes = new Map<string, number>();
  private readonly pendingLinks: Array<{ path: string; target: string }> = [];
  private prefix: string | undefined;
  private sawSpec = false;
  private sawTree = false;

  constructor(
    private readonly dest: string,
    private readonly onError: (err: unknown) => void,
  ) {}

  add(entry: ReadEntry): void {
    const rel = this.relativePath(entry);
    if (rel === undefined) return void entry.resume();
    const type = entry.type;
    if (rel === runtimeFiles.spec) {
      if (type !== 'File' && type !== 'OldFile') throw new UserError('runtime.yml in the archive is not a regular file');
      this.sawSpec = true;
      this.writeFile(entry, join(this.dest, runtimeFiles.spec), undefined);
      return;
    }
    if (REGENERATED.has(rel)) return void entry.resume();
    if (rel !== runtimeFiles.tree && !rel.startsWith(`${runtimeFiles.tree}/`)) {
      throw new UserError(`archive entry "${printable(entry.path)}" is outside runtime.yml and isolated/`);
    }
    this.sawTree = true;
    const inTree = rel === runtimeFiles.tree ? '.' : rel.slice(runtimeFiles.tree.length + 1);
    this.checkParents(inTree, entry.path);
    if (this.entries.has(inTree) && type !== 'Directory') {
      throw new UserError(`archive has "${printable(entry.path)}" twice`);
    }
    const abs = join(this.dest, runtimeFiles.tree, inTree);
    const mode = cleanMode(entry.mode ?? 0o644);
    switch (type) {
      case 'Directory':
        this.ensureDir(inTree);
        this.dirModes.set(inTree, mode);
        entry.resume();
        return;
      case 'File':
      case 'OldFile':
      case 'ContiguousFile':
        this.ensureDir(posix.dirname(inTree));
        this.writeFile(entry, abs, { path: inTree, type: 'file', mode, size: 0 });
        return;
      case 'SymbolicLink': {
        const target = entry.linkpath ?? '';
        if (!target || target.includes('\0')) throw new UserError(`symlink "${printable(entry.path)}" has no target`);
        this.ensureDir(posix.dirname(inTree));
        symlinkSync(target, abs);
        this.symlinks.add(inTree);
        this.entries.set(inTree, { path: inTree, type: 'symlink', mode: 0o777, size: Buffer.byteLength(target), target });
        entry.resume();
        return;
      }
      case 'Link': {
        const target = this.hardLinkTarget(entry);
        this.ensureDir(posix.dirname(inTree));
        linkSync(join(this.dest, runtimeFiles.tree, target), abs);
        this.pendingLinks.push({ path: inTree, target });
        entry.resume();
        return;
      }
      case 'CharacterDevice':
      case 'BlockDevice':
        throw new UserError(`archive entry "${printable(entry.path)}" is a device node; runtimes may not contain devices`);
      case 'FIFO':
        throw new UserError(`archive entry "${printable(entry.path)}" is a FIFO; runtimes may not contain FIFOs`);
      default:
        throw new UserError(`archive entry "${printable(entry.path)}" has unsupported type ${type}`);
    }
  }

  finish(archive: string): ManifestEntry[] {
    if (!this.sawSpec) throw new UserError(`${archive}: no runtime.yml in the archive`);
    if (!this.sawTree) throw new UserError(`${archive}: no isolated/ directory in the archive`);
    for (const { path, target } of this.pendingLinks) {
      const t = this.entries.get(target);
      if (!t) throw new UserError(`hard link "${printable(path)}" points to a file not in the archive`);
      this.entries.set(path, { ...t, path });
    }
    this.ensureDir('.');
    const dirs = [...this.entries.values()].filter((e) => e.type === 'dir').map((e) => e.path);
    dirs.sort((a, b) => b.length - a.length);
    for (const d of dirs) {
      const mode = this.dirModes.get(d) ?? 0o755;
      chmodSync(join(this.dest, runtimeFiles.tree, d), mode);
      const e = this.entries.get(d);
      if (e) e.mode = mode;
    }
    return [...this.entries.values()];
  }

  /** Archive path relative to the runtime directory, or undefined for the wrapper directory itself. */
  private relativePath(entry: ReadEntry): string | undefined {
    const raw = entry.path;
    if (raw.includes('\0')) throw new UserError('archive entry name contains a NUL byte');
    if (raw.startsWith('/')) throw new UserError(`archive entry "${printable(raw)}" has an absolute path`);
    const parts = raw.split('/').filter((p) => p !== '' && p !== '.');
    if (parts.includes('..')) throw new UserError(`archive entry "${printable(raw)}" contains ".."`);
    if (parts.length === 0) return undefined;
    const top = parts[0]!;
    if (this.prefix === undefined) {
      const known = top === runtimeFiles.spec || top === runtimeFiles.tree || REGENERATED.has(top);
      this.prefix = known ? '' : top;
    }
    if (this.prefix !== '') {
      if (top !== this.prefix) throw new UserError(`archive entry "${printable(raw)}" is outside the runtime's directory`);
      parts.shift();
      if (parts.length === 0) return undefined;
    }
    return parts.join('/');
  }

  private checkParents(inTree: string, shown: string): void {
    let p = posix.dirname(inTree);
    while (p !== '.' && p !== '/') {
      if (this.symlinks.has(p)) throw new UserError(`archive entry "${printable(shown)}" would be written through the symlink ${p}`);
      p = posix.dirname(p);
    }
  }

  private ensureDir(inTree: string): void {
    if (this.entries.get(inTree)?.type === 'dir') return;
    if (this.entries.has(inTree)) throw new UserError(`archive uses "${printable(inTree)}" both as a directory and a file`);
    if (inTree !== '.') this.ensureDir(posix.dirname(inTree));
    const abs = join(this.dest, runtimeFiles.tree, inTree);
    mkdirSync(abs, { mode: 0o755 });
    this.entries.set(inTree, { path: inTree, type: 'dir', mode: 0o755, size: 0 });
  }

  private hardLinkTarget(entry: ReadEntry): string {
    const raw = entry.linkpath ?? '';
    const fake = { path: raw } as ReadEntry;
    let rel: string | undefined;
    try {
      rel = this.relativePath(fake);
    } catch {
      rel = undefined;
    }
    if (!rel?.startsWith(`${runtimeFiles.tree}/`)) {
      throw new UserError(`hard link "${printable(entry.path)}" points outside the tree (${printable(raw)})`);
    }
    const target = rel.slice(runtimeFiles.tree.length + 1);
    if (this.entries.get(target)?.type !== 'file') {
      throw new UserError(`hard link "${printable(entry.path)}" points to "${printable(raw)}", which is not a file extracted before it`);
    }
    return target;
  }

  private writeFile(entry: ReadEntry, abs: string, record: ManifestEntry | undefined): void {
    // 'wx' is O_CREAT|O_EXCL: never follows or reuses an existing name.
    const fd = openSync(abs, 'wx', 0o600);
    const hash = createHash('sha256');
    let size = 0;
    let closed = false;
    const finish = () => {
      if (closed) return;
      closed = true;
      try {
        fchmodSync(fd, record ? record.mode : 0o644);
        if (fstatSync(fd).size !== size) throw new Error('short write');
      } finally {
        closeSync(fd);
      }
      if (record) {
        record.size = size;
        record.sha256 = hash.digest('hex');
        this.entries.set(record.path, record);
      }
    };
    if (record) this.entries.set(record.path, record);
    entry.on('data', (chunk: Buffer) => {
      if (closed) return;
      try {
        let off = 0;
        while (off < chunk.length) off += writeSync(fd, chunk, off, chunk.length - off);
        size += chunk.length;
        hash.update(chunk);
      } catch (err) {
        closed = true;
        closeSync(fd);
        this.onError(err);
      }
    });
    entry.on('end', () => {
      try {
        finish();
      } catch (err) {
        this.onError(err);
      }
    });
  }
}
