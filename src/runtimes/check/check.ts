// Self-containment check of a runtime tree: every ELF interpreter and needed library, and every executable
// script's #! interpreter, must be found inside the tree. Symlinks are resolved inside the tree only
// (absolute targets are taken relative to the tree root; `..` never climbs above it). Nothing is executed.
import { constants } from 'node:fs';
import { lstat, open, readdir, readFile, readlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { isErrno } from '../../util/errors.js';
import { globToRegExp, isGlob } from '../../util/glob.js';
import { resolveInTreePath } from '../in-tree-path.js';
import { isElf, machineName, multiarchTriplet, readElf, type ElfInfo } from './elf.js';
import { DEFAULT_JOB_PATH } from '../paths.js';

export type MissKind = 'interpreter' | 'library' | 'script-interpreter' | 'unreadable';

export interface Miss {
  /** The file that needs something, as a path inside the tree ("/usr/bin/python3.11"). */
  file: string;
  kind: MissKind;
  /** What it needs: the interpreter path, the library name or the #! interpreter. */
  need: string;
  detail?: string;
}

export interface CheckReport {
  ok: boolean;
  tree: string;
  files: number;
  elfFiles: number;
  scripts: number;
  /** Dependencies of shared libraries found in the tree only by SONAME, off the search path (see below). */
  preloaded: number;
  missing: Miss[];
  /** Files and directories the caller may not read (root-only), left out of the check. */
  skipped: string[];
  elapsedMs: number;
}

export interface CheckOptions {
  /**
   * The environment the runtime's jobs get: its PATH is used for `#!/usr/bin/env PROG` (default: Debian's
   * standard PATH) and its LD_LIBRARY_PATH is searched like ld.so does.
   */
  env?: Readonly<Record<string, string>>;
  onProgress?: (files: number) => void;
}

type Node =
  | { kind: 'dir'; children: Map<string, Node> }
  | { kind: 'file'; mode: number; size: number; elf?: ElfInfo }
  | { kind: 'symlink'; target: string }
  | { kind: 'other' };

/** Checks that the tree at `tree` is self-contained. Reads only file headers and dynamic sections. */
export async function checkTree(tree: string, opts: CheckOptions = {}): Promise<CheckReport> {
  const started = Date.now();
  const root: Node = { kind: 'dir', children: new Map() };
  const missing: Miss[] = [];
  const candidates: Array<{ path: string; abs: string; node: Extract<Node, { kind: 'file' }> }> = [];
  let files = 0;
  let preloaded = 0;
  const skipped: string[] = [];

  // 1. Walk the tree without following symlinks, building an in-memory image of it.
  const walk = async (abs: string, rel: string, dir: Extract<Node, { kind: 'dir' }>): Promise<void> => {
    let names: string[];
    try {
      names = await readdir(abs);
    } catch (err) {
      // root-only (e.g. /root as a plain user): say it was skipped rather than fail the whole check
      if (!isErrno(err, 'EACCES')) throw err;
      skipped.push(rel);
      return;
    }
    await forEachLimit(names, 16, async (name) => {
      const childAbs = join(abs, name);
      const childRel = rel === '/' ? `/${name}` : `${rel}/${name}`;
      const st = await lstat(childAbs);
      if (st.isDirectory()) {
        const node: Node = { kind: 'dir', children: new Map() };
        dir.children.set(name, node);
        await walk(childAbs, childRel, node);
      } else if (st.isSymbolicLink()) {
        dir.children.set(name, { kind: 'symlink', target: await readlink(childAbs) });
      } else if (st.isFile()) {
        const node: Node = { kind: 'file', mode: st.mode, size: st.size };
        dir.children.set(name, node);
        files++;
        if (st.size >= 4) candidates.push({ path: childRel, abs: childAbs, node });
      } else {
        dir.children.set(name, { kind: 'other' });
      }
    });
  };
  await walk(tree, '/', root);

  // 2. Read each candidate's first bytes: ELF headers (+ dynamic section) and #! lines.
  const scripts: Array<{ path: string; interp: string; arg?: string }> = [];
  const elfs: Array<{ path: string; info: ElfInfo }> = [];
  let scanned = 0;
  await forEachLimit(candidates, 32, async (c) => {
    let fh;
    try {
      fh = await open(c.abs, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch (err) {
      if (isErrno(err, 'EACCES')) skipped.push(c.path);
      else missing.push({ file: c.path, kind: 'unreadable', need: c.path, detail: (err as Error).message });
      return;
    }
    try {
      const head = Buffer.alloc(Math.min(c.node.size, 512));
      const { bytesRead } = await fh.read(head, 0, head.length, 0);
      const h = head.subarray(0, bytesRead);
      if (isElf(h)) {
        const info = await readElf(fh, h, c.node.size);
        if (info) {
          c.node.elf = info;
          elfs.push({ path: c.path, info });
        }
      } else if (h[0] === 0x23 && h[1] === 0x21 && (c.node.mode & 0o111) !== 0) {
        const shebang = parseShebang(h);
        if (shebang) scripts.push({ path: c.path, ...shebang });
      }
    } finally {
      await fh.close();
    }
    if (++scanned % 2000 === 0) opts.onProgress?.(scanned);
  });

  const fs = new TreeImage(tree, root);

  // 3. Library search paths from the tree's own ld.so.conf.
  const confDirs = await fs.ldSoConf('/etc/ld.so.conf');
  const libraryPath = (opts.env?.LD_LIBRARY_PATH ?? '').split(':').filter((d) => d.startsWith('/'));
  const found = new Map<string, boolean>();
  // Libraries by SONAME (or file name), for dependencies that ld.so satisfies with an object already loaded.
  const bySoname = new Map<string, ElfInfo[]>();
  for (const { path, info } of elfs) {
    if (info.interp && info.type === 2) continue;
    for (const key of new Set([info.soname, posix.basename(path)])) {
      if (!key) continue;
      const list = bySoname.get(key) ?? [];
      list.push(info);
      bySoname.set(key, list);
    }
  }

  for (const { path, info } of elfs.sort((a, b) => (a.path < b.path ? -1 : 1))) {
    if (info.problem) {
      missing.push({ file: path, kind: 'unreadable', need: path, detail: `cannot parse ELF headers: ${info.problem}` });
      continue;
    }
    if (info.interp) {
      const target = fs.resolve(info.interp);
      const node = target ? fs.get(target) : undefined;
      if (node?.kind !== 'file') missing.push({ file: path, kind: 'interpreter', need: info.interp });
      else if (node.elf && (node.elf.machine !== info.machine || node.elf.bits !== info.bits)) {
        missing.push({
          file: path,
          kind: 'interpreter',
          need: info.interp,
          detail: `is ${machineName(node.elf.machine, node.elf.bits)}, needs ${machineName(info.machine, info.bits)}`,
        });
      }
    }
    if (!info.needed.length) continue;
    const origin = posix.dirname(path);
    const triplet = multiarchTriplet(info.machine, info.bits, info.littleEndian);
    const expand = (dirs: string[]) => dirs.flatMap((d) => expandDst(d, origin, triplet, info.bits)).filter((d) => d.startsWith('/'));
    // ld.so's order: DT_RPATH (only without DT_RUNPATH), LD_LIBRARY_PATH, DT_RUNPATH, ld.so.cache (ld.so.conf), default dirs.
    const search = [
      ...(info.runpath.length ? [] : expand(info.rpath)),
      ...libraryPath,
      ...expand(info.runpath),
      ...confDirs,
      ...defaultDirs(triplet, info.bits),
    ];
    for (const lib of info.needed) {
      if (lib.includes('/')) {
        const t = fs.resolve(lib.startsWith('/') ? lib : posix.join(origin, lib));
        if (!t || fs.get(t)?.kind !== 'file') missing.push({ file: path, kind: 'library', need: lib });
        continue;
      }
      const key = `${info.machine}/${info.bits}/${search.join(':')}/${lib}`;
      let ok = found.get(key);
      if (ok === undefined) {
        ok = search.some((dir) => {
          const t = fs.resolve(posix.join(dir, lib));
          const node = t ? fs.get(t) : undefined;
          if (node?.kind !== 'file') return false;
          // ld.so skips libraries of another class or machine and goes on searching.
          return !node.elf || (node.elf.machine === info.machine && node.elf.bits === info.bits);
        });
        found.set(key, ok);
      }
      if (!ok && !info.interp && (bySoname.get(lib) ?? []).some((o) => o.machine === info.machine && o.bits === info.bits)) {
        // A shared library (not a program) whose dependency is in the tree but off the search path: ld.so
        // matches it by SONAME when the program loaded it first (OpenJDK's libjvm.so is dlopen'ed by the
        // java launcher before libjava.so and friends need it). Counted, not reported missing.
        preloaded++;
        continue;
      }
      if (!ok) missing.push({ file: path, kind: 'library', need: lib, detail: `not found in ${uniq(search).join(':')}` });
    }
  }

  const searchPath = (opts.env?.PATH || DEFAULT_JOB_PATH).split(':').filter((d) => d.startsWith('/'));
  for (const s of scripts.sort((a, b) => (a.path < b.path ? -1 : 1))) {
    if (!s.interp.startsWith('/')) {
      missing.push({ file: s.path, kind: 'script-interpreter', need: s.interp, detail: 'not an absolute path' });
      continue;
    }
    const t = fs.resolve(s.interp);
    const node = t ? fs.get(t) : undefined;
    if (node?.kind !== 'file') {
      missing.push({ file: s.path, kind: 'script-interpreter', need: s.interp });
      continue;
    }
    // `#!/usr/bin/env PROG`: PROG must be found on the runtime's PATH too.
    if (posix.basename(s.interp) === 'env' && s.arg && !s.arg.startsWith('-') && !s.arg.includes('=')) {
      const prog = s.arg;
      const hit = prog.includes('/')
        ? fs.get(fs.resolve(prog) ?? '')?.kind === 'file'
        : searchPath.some((d) => {
            const p = fs.resolve(posix.join(d, prog));
            return p !== undefined && fs.get(p)?.kind === 'file';
          });
      if (!hit) missing.push({ file: s.path, kind: 'script-interpreter', need: `${s.interp} ${prog}`, detail: `${prog} is not on PATH` });
    }
  }

  return {
    ok: missing.length === 0,
    tree,
    files,
    elfFiles: elfs.length,
    scripts: scripts.length,
    preloaded,
    missing,
    skipped: skipped.sort(),
    elapsedMs: Date.now() - started,
  };
}

function uniq(a: string[]): string[] {
  return [...new Set(a)];
}

/** `#!/path/to/interp [arg]` → interpreter and first argument (the kernel passes the rest as one string). */
export function parseShebang(head: Buffer): { interp: string; arg?: string } | undefined {
  let end = head.indexOf(0x0a);
  if (end < 0) end = head.length;
  const line = head.subarray(2, end).toString('latin1').replace(/\r$/, '').trim();
  if (!line) return undefined;
  const m = /^(\S+)(?:[ \t]+(.*))?$/.exec(line);
  if (!m) return undefined;
  const arg = m[2]?.trim().split(/[ \t]+/)[0];
  return { interp: m[1]!, ...(arg ? { arg } : {}) };
}

/** Expands ld.so's dynamic string tokens in an RPATH/RUNPATH entry. */
function expandDst(dir: string, origin: string, triplet: string | undefined, bits: 32 | 64): string[] {
  if (!dir) return [];
  const libs = uniq(['lib', ...(triplet ? [`lib/${triplet}`] : []), ...(bits === 64 ? ['lib64'] : [])]);
  const withOrigin = dir.replace(/\$(ORIGIN|\{ORIGIN\})/g, origin).replace(/\$(PLATFORM|\{PLATFORM\})/g, triplet?.split('-')[0] ?? '');
  if (!/\$(LIB|\{LIB\})/.test(withOrigin)) return [posix.normalize(withOrigin)];
  return libs.map((l) => posix.normalize(withOrigin.replace(/\$(LIB|\{LIB\})/g, l)));
}

function defaultDirs(triplet: string | undefined, bits: 32 | 64): string[] {
  const dirs: string[] = [];
  if (triplet) dirs.push(`/lib/${triplet}`, `/usr/lib/${triplet}`);
  if (bits === 64) dirs.push('/lib64', '/usr/lib64');
  else dirs.push('/lib32', '/usr/lib32');
  dirs.push('/lib', '/usr/lib');
  return dirs;
}

/** The walked tree, with path resolution that never leaves it. */
class TreeImage {
  constructor(
    private readonly tree: string,
    private readonly root: Extract<Node, { kind: 'dir' }>,
  ) {}

  /** The node at a fully resolved in-tree path (no symlinks on the way). */
  get(path: string): Node | undefined {
    let cur: Node = this.root;
    for (const part of path.split('/')) {
      if (!part) continue;
      if (cur.kind !== 'dir') return undefined;
      const next = cur.children.get(part);
      if (!next) return undefined;
      cur = next;
    }
    return cur;
  }

  /**
   * Resolves `path` (absolute, in-tree) following symlinks inside the tree. Absolute link targets are taken
   * relative to the tree root and `..` stops at the root, as it would inside the job. Returns the resolved
   * path, or undefined when a component does not exist or the links loop.
   */
  resolve(path: string): string | undefined {
    const r = resolveInTreePath(path, (abs) => {
      const node = this.get(abs);
      return node && { isDir: node.kind === 'dir', symlinkTarget: node.kind === 'symlink' ? node.target : undefined };
    });
    return r.ok ? r.path : undefined;
  }

  /** Directories listed by ld.so.conf (following `include` globs), in order. Reads the tree's own files. */
  async ldSoConf(file: string, seen = new Set<string>()): Promise<string[]> {
    const resolved = this.resolve(file);
    const node = resolved ? this.get(resolved) : undefined;
    if (!resolved || seen.has(resolved) || node?.kind !== 'file' || node.size > 1 << 20) return [];
    seen.add(resolved);
    let text: string;
    try {
      text = await readFile(join(this.tree, resolved), 'utf8');
    } catch {
      return [];
    }
    const dirs: string[] = [];
    for (const raw of text.split('\n')) {
      const line = raw.replace(/#.*/, '').trim();
      if (!line) continue;
      const inc = /^include\s+(.+)$/.exec(line);
      if (inc) {
        for (const pattern of inc[1]!.trim().split(/\s+/)) {
          const abs = pattern.startsWith('/') ? pattern : posix.join(posix.dirname(file), pattern);
          for (const f of this.glob(abs).sort()) dirs.push(...(await this.ldSoConf(f, seen)));
        }
      } else if (/^hwcap\s/.test(line)) {
      } else {
        for (const d of line.split(/[\s:,=]+/)) if (d.startsWith('/')) dirs.push(posix.normalize(d));
      }
    }
    return dirs;
  }

  /** Expands a glob (`*`, `?`, `[…]` in any component) against the tree image. */
  glob(pattern: string): string[] {
    let paths = ['/'];
    for (const part of pattern.split('/').filter(Boolean)) {
      const next: string[] = [];
      for (const p of paths) {
        const r = this.resolve(p);
        const node = r ? this.get(r) : undefined;
        if (node?.kind !== 'dir') continue;
        if (!isGlob(part)) {
          if (node.children.has(part)) next.push(posix.join(p, part));
          continue;
        }
        const re = globToRegExp(part);
        for (const name of node.children.keys()) if (re.test(name) && !(name.startsWith('.') && !part.startsWith('.'))) next.push(posix.join(p, name));
      }
      paths = next;
    }
    return paths;
  }
}

/** Runs `fn` over `items` with at most `limit` running at once. */
async function forEachLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
