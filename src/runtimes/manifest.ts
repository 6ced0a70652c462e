import { createReadStream } from 'node:fs';
import { open, readFile, rename } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';

export type EntryType = 'file' | 'dir' | 'symlink';

/** One file of a runtime's isolated/ tree; `path` is relative to isolated/ ("." for its root). */
export interface ManifestEntry {
  path: string;
  type: EntryType;
  mode: number;
  size: number;
  sha256?: string;
  target?: string;
}

export interface ManifestHeader {
  rnx_manifest: 1;
  /** Runtime name and version, so readers need not parse runtime.yml. */
  name: string;
  version: string;
  installed_at: string;
  files: number;
  bytes: number;
}

export interface Manifest {
  header: ManifestHeader;
  entries: ManifestEntry[];
}

export function summarize(entries: ManifestEntry[], runtime: { name: string; version: string }, installedAt = new Date().toISOString()): ManifestHeader {
  let bytes = 0;
  let files = 0;
  for (const e of entries) {
    if (e.type !== 'dir') files++;
    bytes += e.size;
  }
  return { rnx_manifest: 1, name: runtime.name, version: runtime.version, installed_at: installedAt, files, bytes };
}

/** Writes the manifest as JSON lines (header first, entries sorted by path), via a temp file. */
export async function writeManifest(file: string, entries: ManifestEntry[], runtime: { name: string; version: string }): Promise<ManifestHeader> {
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const header = summarize(sorted, runtime);
  const body = [JSON.stringify(header), ...sorted.map((e) => JSON.stringify(e))].join('\n') + '\n';
  const tmp = `${file}.tmp`;
  const fh = await open(tmp, 'w', 0o644);
  try {
    await fh.chmod(0o644); // readable by every user whatever the umask: verify runs as anyone
    await fh.writeFile(body);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, file);
  return header;
}

export async function readManifest(file: string): Promise<Manifest> {
  const text = await readFile(file, 'utf8');
  const lines = text.split('\n').filter(Boolean);
  const header = JSON.parse(lines[0] ?? '{}') as ManifestHeader;
  if (header.rnx_manifest !== 1) throw new Error(`${file}: not an rnx manifest`);
  return { header, entries: lines.slice(1).map((l) => JSON.parse(l) as ManifestEntry) };
}

export async function readManifestHeader(file: string): Promise<ManifestHeader | undefined> {
  const fh = await open(file, 'r').catch(() => undefined);
  if (!fh) return undefined;
  try {
    const buf = Buffer.alloc(512);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const first = buf.subarray(0, bytesRead).toString('utf8').split('\n')[0] ?? '';
    const header = JSON.parse(first) as ManifestHeader;
    return header.rnx_manifest === 1 ? header : undefined;
  } catch {
    return undefined;
  } finally {
    await fh.close();
  }
}

export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path, { highWaterMark: 1 << 20 })
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

export function manifestPath(runtimeDir: string): string {
  return join(runtimeDir, 'manifest.jsonl');
}
