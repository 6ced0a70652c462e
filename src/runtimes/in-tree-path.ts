// Following a path inside a runtime's tree the way the job will see it: symlinks are resolved inside the
// tree only (an absolute target starts again at the tree's root, and `..` stops at the root). Used by the
// self-containment check and by the app's tree browser, each over its own picture of the tree.

/** What the resolver needs to know of one path of the tree. */
export interface TreeEntry {
  isDir: boolean;
  /** The link target, for a symlink. */
  symlinkTarget?: string | undefined;
}

export type InTreePath = { ok: true; path: string } | { ok: false; reason: string };

const MAX_LINKS = 40;

/** Resolves `path` (absolute or relative to the root); `lookup` is given absolute paths ("/usr/lib"). */
export function resolveInTreePath(path: string, lookup: (absPath: string) => TreeEntry | undefined): InTreePath {
  let pending = path.split('/').filter((c) => c !== '' && c !== '.');
  const done: string[] = [];
  let links = 0;
  while (pending.length) {
    const part = pending.shift()!;
    if (part === '..') {
      done.pop();
      continue;
    }
    const candidate = '/' + [...done, part].join('/');
    const entry = lookup(candidate);
    if (!entry) return { ok: false, reason: `dangling: ${candidate} does not exist in the runtime` };
    if (entry.symlinkTarget !== undefined) {
      if (++links > MAX_LINKS) return { ok: false, reason: 'too many levels of symbolic links' };
      if (entry.symlinkTarget.startsWith('/')) done.length = 0;
      pending = [...entry.symlinkTarget.split('/').filter((c) => c !== '' && c !== '.'), ...pending];
      continue;
    }
    if (pending.length && !entry.isDir) return { ok: false, reason: `${candidate} is not a directory` };
    done.push(part);
  }
  return { ok: true, path: '/' + done.join('/') };
}
