import { join } from 'node:path';
import { readManifest, type ManifestEntry } from './manifest.js';
import { runtimeFiles } from './paths.js';
import { hashFiles, scanTree } from './tree.js';
import { requireInstalled } from './store.js';

export interface VerifyReport {
  name: string;
  ok: boolean;
  checked: number;
  modified: Array<{ path: string; what: string }>;
  added: string[];
  missing: string[];
  /** Entries that could not be read by the caller (root-only files and directories), so were not checked. */
  skipped: string[];
}

/** A line per finding and a one-line summary (without the runtime's name), as the CLI and the app show them. */
export function describeVerify(r: VerifyReport): { findings: string[]; summary: string } {
  return {
    findings: [
      ...r.modified.map((m) => `modified  ${m.path}: ${m.what}`),
      ...r.added.map((a) => `added     ${a}`),
      ...r.missing.map((m) => `missing   ${m}`),
      ...r.skipped.map((p) => `skipped   ${p}: readable by root only (run as root to check it)`),
    ],
    summary: r.ok
      ? `intact (${r.checked} entries checked${r.skipped.length ? `; ${skippedText(r.skipped.length)}` : ''})`
      : `NOT intact: ${r.modified.length} modified, ${r.added.length} added, ${r.missing.length} missing${r.skipped.length ? `; ${skippedText(r.skipped.length)}` : ''}`,
  };
}

function skippedText(n: number): string {
  return `${n} root-only skipped`;
}

/** Recomputes the runtime's tree against its manifest. */
export async function verifyRuntime(root: string, name: string, onProgress: (bytes: number, total: number) => void = () => {}): Promise<VerifyReport> {
  const dir = requireInstalled(root, name);
  const manifest = await readManifest(join(dir, runtimeFiles.manifest));
  const tree = join(dir, runtimeFiles.tree);
  // What the caller cannot read is skipped and said, not reported as missing or changed: a plain user
  // verifies everything but the few root-only files (/root, /etc/shadow, …), which only root can check.
  const unreadableDirs: string[] = [];
  const actual = await scanTree(tree, { hash: false, onUnreadableDir: (rel) => unreadableDirs.push(rel) });
  const under = (path: string) => unreadableDirs.some((d) => path.startsWith(`${d}/`));
  const skipped: string[] = [];
  const expected = new Map(manifest.entries.map((e) => [e.path, e]));
  const seen = new Set<string>();
  const modified: VerifyReport['modified'] = [];
  const added: string[] = [];
  const toHash: Array<{ want: ManifestEntry; got: ManifestEntry }> = [];
  for (const got of actual) {
    const want = expected.get(got.path);
    if (!want) {
      added.push(got.path);
      continue;
    }
    seen.add(got.path);
    const diff = describeDifference(want, got);
    if (diff) modified.push({ path: got.path, what: diff });
    else if (got.type === 'file') toHash.push({ want, got });
  }
  const missing: string[] = [];
  for (const e of manifest.entries) {
    if (seen.has(e.path)) continue;
    if (under(e.path)) skipped.push(e.path);
    else missing.push(e.path);
  }
  const total = toHash.reduce((n, f) => n + f.got.size, 0);
  let done = 0;
  const wanted = new Map(toHash.map(({ want, got }) => [got, want]));
  await hashFiles(
    tree,
    [...wanted.keys()],
    (got, sha) => {
      if (sha !== wanted.get(got)?.sha256) modified.push({ path: got.path, what: 'content changed' });
      onProgress((done += got.size), total);
    },
    (got) => {
      skipped.push(got.path);
      onProgress((done += got.size), total);
    },
  );
  modified.sort((a, b) => (a.path < b.path ? -1 : 1));
  skipped.sort();
  const ok = !modified.length && !added.length && !missing.length;
  return { name, ok, checked: actual.length - skipped.filter((p) => !under(p)).length, modified, added, missing, skipped };
}

function describeDifference(want: ManifestEntry, got: ManifestEntry): string | undefined {
  if (want.type !== got.type) return `was a ${want.type}, now a ${got.type}`;
  if (want.type === 'symlink') return want.target === got.target ? undefined : `link target changed (${want.target} -> ${got.target})`;
  if (want.mode !== got.mode) return `mode changed (${want.mode.toString(8)} -> ${got.mode.toString(8)})`;
  if (want.type === 'file' && want.size !== got.size) return `size changed (${want.size} -> ${got.size})`;
  return undefined;
}
