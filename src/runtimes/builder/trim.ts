// Trimming a built tree. Every removal stays inside the tree: no path component on the way to what is
// removed may be a symlink (a link to /usr/share/doc → /etc would otherwise point rm at the host).
import { lstatSync, mkdirSync, readdirSync, rmSync, chmodSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { globToRegExp, isGlob } from '../../util/glob.js';
import type { RecipeTrim } from './recipe.js';

function lstatOr(p: string): Stats | undefined {
  try {
    return lstatSync(p);
  } catch {
    return undefined;
  }
}

/**
 * Expands an in-tree pattern (`*` and `?` in any component) to real paths under `tree`, descending only
 * through real directories.
 */
export function expandInTree(tree: string, pattern: string): string[] {
  let cur = [tree];
  const parts = pattern.split('/').filter(Boolean);
  parts.forEach((part, i) => {
    const last = i === parts.length - 1;
    const next: string[] = [];
    for (const dir of cur) {
      const st = lstatOr(dir);
      if (!st?.isDirectory()) continue; // a symlink is never descended into
      const names = isGlob(part) ? readdirSync(dir).filter((n) => globToRegExp(part).test(n)) : [part];
      for (const n of names) {
        const p = join(dir, n);
        if (!last && !lstatOr(p)?.isDirectory()) continue;
        if (last && !lstatOr(p)) continue;
        next.push(p);
      }
    }
    cur = next;
  });
  return cur.filter((p) => p !== tree);
}

/** Removes what `pattern` matches inside the tree; returns how many entries were removed. */
export function removeInTree(tree: string, pattern: string): number {
  const hits = expandInTree(tree, pattern);
  for (const p of hits) rmSync(p, { recursive: true, force: true });
  return hits.length;
}

/** Normalised locale name for comparing "C.UTF-8" with the directory "C.utf8". */
function localeKey(name: string): string {
  return name.toLowerCase().replace(/-/g, '');
}

/** dpkg path-exclude lines matching the trim settings, so dpkg does not even unpack what trim removes. */
export function dpkgExcludes(trim: RecipeTrim): string[] {
  const out: string[] = [];
  if (trim.docs) out.push('path-exclude=/usr/share/doc/*', 'path-include=/usr/share/doc/*/copyright', 'path-exclude=/usr/share/lintian/*');
  if (trim.man) out.push('path-exclude=/usr/share/man/*');
  if (trim.info) out.push('path-exclude=/usr/share/info/*');
  if (trim.locales) {
    out.push('path-exclude=/usr/share/locale/*', 'path-include=/usr/share/locale/locale.alias');
    for (const l of trim.keep_locales) out.push(`path-include=/usr/share/locale/${l}/*`);
  }
  return out;
}

export interface TrimResult {
  removed: number;
  specials: string[];
}

/** Trims the tree as the recipe says, and removes device nodes, FIFOs and sockets (the store refuses them). */
export function trimTree(tree: string, trim: RecipeTrim): TrimResult {
  let removed = 0;
  if (trim.docs) {
    // Keep each package's copyright file: it is the licence the runtime is distributed under.
    for (const d of expandInTree(tree, '/usr/share/doc/*')) {
      const st = lstatOr(d);
      if (!st?.isDirectory()) continue;
      for (const n of readdirSync(d)) {
        if (n === 'copyright') continue;
        rmSync(join(d, n), { recursive: true, force: true });
        removed++;
      }
    }
    removed += removeInTree(tree, '/usr/share/doc-base');
    removed += removeInTree(tree, '/usr/share/lintian');
    removed += removeInTree(tree, '/usr/share/bug');
  }
  if (trim.man) removed += removeInTree(tree, '/usr/share/man/*');
  if (trim.info) removed += removeInTree(tree, '/usr/share/info/*');
  if (trim.apt) {
    for (const p of [
      '/var/lib/apt/lists/*',
      '/var/cache/apt/*.bin',
      '/var/cache/apt/archives/*.deb',
      '/var/cache/apt/archives/partial/*',
      '/var/cache/apt/archives/lock',
      '/var/cache/debconf/*-old',
      '/var/lib/dpkg/*-old',
      '/var/log/apt/*',
      '/var/log/dpkg.log',
      '/var/log/alternatives.log',
      '/var/log/bootstrap.log',
    ]) {
      removed += removeInTree(tree, p);
    }
  }
  if (trim.locales) {
    const keep = new Set(trim.keep_locales.map(localeKey));
    for (const p of expandInTree(tree, '/usr/share/locale/*')) {
      const name = p.slice(p.lastIndexOf('/') + 1);
      if (name === 'locale.alias' || keep.has(localeKey(name))) continue;
      rmSync(p, { recursive: true, force: true });
      removed++;
    }
    for (const p of expandInTree(tree, '/usr/lib/locale/*')) {
      const name = p.slice(p.lastIndexOf('/') + 1);
      if (keep.has(localeKey(name)) || name === 'C.utf8') continue;
      rmSync(p, { recursive: true, force: true });
      removed++;
    }
  }
  for (const p of trim.paths) removed += removeInTree(tree, p);
  const specials = removeSpecialFiles(tree);
  for (const d of ['tmp', 'work', 'proc', 'dev', 'sys']) mkdirSync(join(tree, d), { recursive: true, mode: 0o755 });
  chmodSync(join(tree, 'tmp'), 0o1777);
  return { removed, specials };
}

/** Removes device nodes, FIFOs and sockets anywhere in the tree (returns their in-tree paths); drops setuid/setgid bits. */
export function removeSpecialFiles(tree: string, rel = ''): string[] {
  const out: string[] = [];
  for (const n of readdirSync(join(tree, rel))) {
    const r = `${rel}/${n}`;
    const st = lstatSync(join(tree, r));
    if (st.isDirectory()) out.push(...removeSpecialFiles(tree, r));
    else if (st.isBlockDevice() || st.isCharacterDevice() || st.isFIFO() || st.isSocket()) {
      rmSync(join(tree, r), { force: true });
      out.push(r);
    } else if (st.isFile() && (st.mode & 0o6000) !== 0) {
      // setuid/setgid bits mean nothing in a job (no_new_privs) and installing (chown) would drop them anyway.
      chmodSync(join(tree, r), st.mode & 0o1777);
    }
  }
  return out;
}
