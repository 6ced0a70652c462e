import { existsSync, lstatSync, lchownSync, renameSync, rmSync, chmodSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ExitCode, UserError } from '../util/errors.js';
import { extractRuntimeArchive } from './archive.js';
import { writeManifest, type ManifestEntry } from './manifest.js';
import { runtimeFiles, storeLayout } from './paths.js';
import { parseRuntimeSpec, renderLaunchSpec, type RuntimeSpec } from './spec.js';
import { cleanStaleStaging, ensureRuntimesDir, newStagingDir, swapIntoPlace } from './staging.js';
import { copyDirModesSync, copyTreeSync, ensureMountPoint, normalizeModes, scanTree } from './tree.js';
import { requireRoot } from './privileges.js';
import { printable } from '../util/printable.js';

export interface InstallProgress {
  phase: 'extract' | 'copy' | 'hash' | 'finalize';
  done: number;
  total: number;
}

export interface InstallOptions {
  root: string;
  force?: boolean;
  /** For directory sources on the store's filesystem: move the tree instead of copying it (the builder's output). */
  move?: boolean;
  onProgress?: (p: InstallProgress) => void;
}

export interface InstallResult {
  spec: RuntimeSpec;
  warnings: string[];
  files: number;
  bytes: number;
  replaced: boolean;
  path: string;
}

/** Installs a packed runtime (.tar/.tar.gz) or a directory with runtime.yml + isolated/ into the store. */
export async function installRuntime(source: string, opts: InstallOptions): Promise<InstallResult> {
  requireRoot('installing a runtime', `rnx runtime install ${source}`);
  let st;
  try {
    st = lstatSync(source);
  } catch {
    throw new UserError(`${source}: no such file or directory, and no shipped recipe of that name (rnx runtime recipes lists them)`, ExitCode.NotFound);
  }
  if (!st.isDirectory() && !st.isFile()) throw new UserError(`${source}: not a runtime archive or directory`);
  const runtimesDir = storeLayout.runtimesDir(opts.root);
  ensureRuntimesDir(runtimesDir);
  cleanStaleStaging(runtimesDir);
  const staging = await newStagingDir(runtimesDir);
  try {
    const progress = opts.onProgress ?? (() => {});
    let entries: ManifestEntry[] | undefined;
    if (st.isFile()) {
      ({ entries } = await extractRuntimeArchive(source, staging, (done, total) => progress({ phase: 'extract', done, total })));
    } else {
      stageDirectory(source, staging, opts.move === true, (done) => progress({ phase: 'copy', done, total: 0 }));
    }
    const specText = await readFile(join(staging, runtimeFiles.spec), 'utf8');
    const { spec, warnings } = parseRuntimeSpec(specText, 'runtime.yml');
    const target = storeLayout.runtimeDir(opts.root, spec.name);
    if (existsSync(target) && !opts.force) {
      throw new UserError(`runtime ${spec.name} is already installed; use --force to replace it`, ExitCode.Busy);
    }
    const tree = join(staging, runtimeFiles.tree);
    checkMountSources(staging, spec);
    const created = addMountPoints(tree, spec);
    if (entries) {
      for (const path of created) entries.push({ path, type: 'dir', mode: 0o755, size: 0 });
    } else {
      let hashed = 0;
      entries = await scanTree(tree, { onFile: (n) => progress({ phase: 'hash', done: (hashed += n), total: 0 }) });
    }
    progress({ phase: 'finalize', done: 0, total: 0 });
    if (st.isDirectory()) chownTree(tree, entries);
    await normalizeModes(tree, entries);
    await writeFile(join(staging, runtimeFiles.launchSpec), renderLaunchSpec(spec), { mode: 0o644 });
    const header = await writeManifest(join(staging, runtimeFiles.manifest), entries, spec);
    // every file of the runtime is readable by all, whatever the installer's umask
    for (const f of [runtimeFiles.spec, runtimeFiles.launchSpec]) chmodSync(join(staging, f), 0o644);
    chmodSync(staging, 0o755);
    const replaced = swapIntoPlace(staging, target, runtimesDir, spec.name, opts.force === true);
    return { spec, warnings, files: header.files, bytes: header.bytes, replaced, path: target };
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }
}

function stageDirectory(source: string, staging: string, move: boolean, onBytes: (done: number) => void): void {
  const specSrc = join(source, runtimeFiles.spec);
  const treeSrc = join(source, runtimeFiles.tree);
  const specSt = lstatOrUndefined(specSrc);
  if (!specSt?.isFile()) throw new UserError(`${source}: no runtime.yml (a runtime directory holds runtime.yml and isolated/)`);
  const treeSt = lstatOrUndefined(treeSrc);
  if (!treeSt?.isDirectory()) throw new UserError(`${source}: no isolated/ directory (a runtime directory holds runtime.yml and isolated/)`);
  copyTreeSync(specSrc, join(staging, runtimeFiles.spec));
  if (move) {
    try {
      renameSync(treeSrc, join(staging, runtimeFiles.tree));
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    }
  }
  let done = 0;
  copyTreeSync(treeSrc, join(staging, runtimeFiles.tree), (n) => onBytes((done += n)));
  copyDirModesSync(treeSrc, join(staging, runtimeFiles.tree));
}

function lstatOrUndefined(p: string) {
  try {
    return lstatSync(p);
  } catch {
    return undefined;
  }
}

/** Mount sources must exist inside the runtime directory, reached without symlinks. */
function checkMountSources(runtimeDir: string, spec: RuntimeSpec): void {
  for (const m of spec.mounts) {
    let cur = runtimeDir;
    for (const part of m.source.split('/')) {
      cur = join(cur, part);
      const st = lstatOrUndefined(cur);
      if (!st) throw new UserError(`runtime.yml: mount source "${printable(m.source)}" does not exist in the runtime`);
      if (st.isSymbolicLink()) throw new UserError(`runtime.yml: mount source "${printable(m.source)}" goes through a symlink`);
    }
  }
}

/** The launcher mounts onto these; the tree is read-only in the job, so they must exist now. */
function addMountPoints(tree: string, spec: RuntimeSpec): string[] {
  const points = ['/proc', '/dev', '/tmp', spec.workdir, ...spec.writable, ...spec.mounts.map((m) => m.target)];
  return points.flatMap((p) => ensureMountPoint(tree, p));
}

/** Hands a copied tree to root. chown clears setuid/setgid bits, so those are set again from the recorded mode. */
function chownTree(tree: string, entries: ManifestEntry[]): void {
  for (const e of entries) {
    const path = e.path === '.' ? tree : join(tree, e.path);
    lchownSync(path, 0, 0);
    if (e.type !== 'symlink' && (e.mode & 0o6000) !== 0) chmodSync(path, e.mode);
  }
}
