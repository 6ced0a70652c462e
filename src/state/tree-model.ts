// A runtime's isolated/ tree built from its manifest: browsing without touching the disk, and symlinks
// resolved inside the tree the way the job sees them (absolute targets start at the tree's root, `..`
// stops there, never the host's files).
import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveInTreePath } from '../runtimes/in-tree-path.js';
import type { EntryType, ManifestEntry } from '../runtimes/manifest.js';
import { sanitizeLine } from './output-tail.js';

export interface TreeNode {
  name: string;
  /** Relative to the tree root, '' for the root itself. */
  path: string;
  type: EntryType;
  size: number;
  mode: number;
  target?: string;
  /** Sum of the sizes below a directory. */
  total: number;
  /** Regular files below a directory (or 1). */
  files: number;
  children?: TreeNode[];
}

export interface Tree {
  root: TreeNode;
  byPath: Map<string, TreeNode>;
}

export interface Row {
  node: TreeNode;
  depth: number;
}

export function buildTree(entries: ManifestEntry[]): Tree {
  const root: TreeNode = { name: '/', path: '', type: 'dir', size: 0, mode: 0o755, total: 0, files: 0, children: [] };
  const byPath = new Map<string, TreeNode>([['', root]]);
  const sorted = [...entries].filter((e) => e.path !== '.' && e.path !== '').sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const ensureDir = (path: string): TreeNode => {
    const have = byPath.get(path);
    if (have) return have;
    const slash = path.lastIndexOf('/');
    const parent = ensureDir(slash < 0 ? '' : path.slice(0, slash));
    const node: TreeNode = { name: path.slice(slash + 1), path, type: 'dir', size: 0, mode: 0o755, total: 0, files: 0, children: [] };
    parent.children!.push(node);
    byPath.set(path, node);
    return node;
  };
  for (const e of sorted) {
    const slash = e.path.lastIndexOf('/');
    const parent = ensureDir(slash < 0 ? '' : e.path.slice(0, slash));
    const existing = byPath.get(e.path);
    if (existing) {
      Object.assign(existing, { type: e.type, size: e.size, mode: e.mode });
      continue;
    }
    const node: TreeNode = {
      name: e.path.slice(slash + 1),
      path: e.path,
      type: e.type,
      size: e.size,
      mode: e.mode,
      ...(e.target !== undefined ? { target: e.target } : {}),
      total: 0,
      files: 0,
      ...(e.type === 'dir' ? { children: [] } : {}),
    };
    parent.children!.push(node);
    byPath.set(e.path, node);
  }
  const sum = (n: TreeNode): void => {
    if (!n.children) {
      n.total = n.size;
      n.files = n.type === 'dir' ? 0 : 1;
      return;
    }
    n.children.sort((a, b) => ((a.type === 'dir') === (b.type === 'dir') ? a.name.localeCompare(b.name) : a.type === 'dir' ? -1 : 1));
    n.total = n.size;
    n.files = 0;
    for (const c of n.children) {
      sum(c);
      n.total += c.total;
      n.files += c.files;
    }
  };
  sum(root);
  return { root, byPath };
}

/** The rows shown for a set of expanded directories (the root's children at depth 0). */
export function flatten(tree: Tree, expanded: ReadonlySet<string>): Row[] {
  const rows: Row[] = [];
  const walk = (n: TreeNode, depth: number) => {
    for (const c of n.children ?? []) {
      rows.push({ node: c, depth });
      if (c.children && expanded.has(c.path)) walk(c, depth + 1);
    }
  };
  walk(tree.root, 0);
  return rows;
}

export type Resolution = { ok: true; path: string; node: TreeNode } | { ok: false; reason: string };

/** Resolves `path` (relative or absolute, in-tree) following symlinks inside the tree only. */
export function resolveInTree(tree: Tree, path: string): Resolution {
  const r = resolveInTreePath(path, (abs) => {
    const node = tree.byPath.get(abs.slice(1));
    return node && { isDir: node.type === 'dir', symlinkTarget: node.type === 'symlink' ? (node.target ?? '') : undefined };
  });
  return r.ok ? { ok: true, path: r.path, node: tree.byPath.get(r.path.slice(1))! } : r;
}

/** Ancestors of a relative path, nearest last ('a/b/c' -> ['a', 'a/b']). */
export function ancestors(path: string): string[] {
  const parts = path.split('/');
  const out: string[] = [];
  for (let i = 1; i < parts.length; i++) out.push(parts.slice(0, i).join('/'));
  return out;
}

export function fileKind(node: TreeNode): string {
  if (node.type === 'dir') return 'dir';
  if (node.type === 'symlink') return 'link';
  if (node.mode & 0o111) return 'exec';
  return 'file';
}

/** Files up to this size are read whole; larger ones a window at a time (readTreeWindow). */
export const MAX_VIEW_BYTES = 2 << 20;
/** Bytes of a large file the viewer holds at once. */
export const WINDOW_BYTES = 256 << 10;

/** A window of a large text file: whole lines from byte `start` to `end` of `size`, each line's offset. */
export interface TextWindow {
  lines: string[];
  offsets: number[];
  start: number;
  end: number;
  size: number;
}

type FileHandle = Awaited<ReturnType<typeof open>>;

/** Opens a regular file of the tree, never anything outside it; `fn` gets the handle and its size. */
async function withTreeFile<T>(treeDir: string, resolved: Resolution & { ok: true }, fn: (fh: FileHandle, size: number) => Promise<T>): Promise<T> {
  if (resolved.node.type === 'dir') throw new Error(`${resolved.path} is a directory`);
  const abs = join(treeDir, resolved.path);
  const real = await realpath(abs);
  const realTree = await realpath(treeDir);
  if (real !== abs && !real.startsWith(`${realTree}/`)) throw new Error(`${resolved.path} leads outside the runtime`);
  const fh = await open(abs, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new Error(`${resolved.path} is not a regular file`);
    return await fn(fh, st.size);
  } finally {
    await fh.close();
  }
}

/**
 * Reads about `bytes` of a large text file from byte `from` (or, with `anchor` 'end', up to byte `from`), cut
 * to whole lines: the viewer pages through a file of any size holding only this much.
 */
export async function readTreeWindow(
  treeDir: string,
  resolved: Resolution & { ok: true },
  from: number,
  anchor: 'start' | 'end' = 'start',
  bytes = WINDOW_BYTES,
  maxLineChars = 4000,
): Promise<TextWindow> {
  return withTreeFile(treeDir, resolved, async (fh, size) => {
    const head = Buffer.alloc(Math.min(8192, size));
    await fh.read(head, 0, head.length, 0);
    if (head.includes(0)) throw new Error(`${resolved.path} is a binary file`);
    let begin = anchor === 'end' ? Math.max(0, Math.min(size, from) - bytes) : Math.max(0, Math.min(from, size - 1));
    const stop = Math.min(size, begin + bytes);
    const buf = Buffer.alloc(stop - begin);
    const { bytesRead } = await fh.read(buf, 0, buf.length, begin);
    let data = buf.subarray(0, bytesRead);
    // whole lines only: from just after the first newline (unless at the start), to the last one (unless at the end)
    if (begin > 0) {
      const nl = data.indexOf(10);
      if (nl >= 0) {
        data = data.subarray(nl + 1);
        begin += nl + 1;
      }
    }
    if (begin + data.length < size) {
      const nl = data.lastIndexOf(10);
      if (nl >= 0) data = data.subarray(0, nl + 1);
    }
    const lines: string[] = [];
    const offsets: number[] = [];
    let at = 0;
    while (at < data.length) {
      let nl = data.indexOf(10, at);
      if (nl < 0) nl = data.length;
      offsets.push(begin + at);
      lines.push(sanitizeLine(data.subarray(at, nl).toString('utf8'), maxLineChars));
      at = nl + 1;
    }
    return { lines, offsets, start: begin, end: begin + data.length, size };
  });
}

/** Reads a text file of the tree for the viewer; refuses binary or huge files and anything outside the tree. */
export async function readTreeText(treeDir: string, resolved: Resolution & { ok: true }, maxLineChars = 4000): Promise<string[]> {
  const node = resolved.node;
  if (node.type === 'dir') throw new Error(`${resolved.path} is a directory`);
  if (node.size > MAX_VIEW_BYTES) throw new Error(`${resolved.path} is too large to view (${node.size} bytes; the limit is ${MAX_VIEW_BYTES})`);
  return withTreeFile(treeDir, resolved, async (fh, size) => {
    if (size > MAX_VIEW_BYTES) throw new Error(`${resolved.path} is too large to view`);
    const buf = Buffer.alloc(size);
    const { bytesRead } = await fh.read(buf, 0, size, 0);
    const data = buf.subarray(0, bytesRead);
    if (data.subarray(0, 8192).includes(0)) throw new Error(`${resolved.path} is a binary file`);
    const lines = data.toString('utf8').split('\n');
    if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
    return lines.map((l) => sanitizeLine(l, maxLineChars));
  });
}
