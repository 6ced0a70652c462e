// Reading the installed runtimes of a store.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readManifest, readManifestHeader } from './manifest.js';
import { listRuntimeNames, requireInstalled } from './lookup.js';
import { runtimeFiles, storeLayout } from './paths.js';

export { listRuntimeNames, requireInstalled };
import { parseRuntimeSpec, type RuntimeSpec } from './spec.js';

export interface RuntimeSummary {
  name: string;
  version: string;
  language?: string;
  description?: string;
  bytes: number;
  files: number;
  installedAt?: string;
  path: string;
  /** Set when runtime.yml or the manifest could not be read. */
  problem?: string;
}

export interface RuntimeInfo extends RuntimeSummary {
  spec: RuntimeSpec;
  specText: string;
  warnings: string[];
  /** Apparent size per top-level directory of isolated/ ("/" holds files at the top). */
  sizes: Array<{ dir: string; bytes: number; files: number }>;
}

export async function listRuntimes(root: string): Promise<RuntimeSummary[]> {
  return Promise.all(listRuntimeNames(root).map((name) => summarize(root, name)));
}

async function summarize(root: string, name: string): Promise<RuntimeSummary> {
  const path = storeLayout.runtimeDir(root, name);
  const header = await readManifestHeader(join(path, runtimeFiles.manifest));
  const base = { name, version: '?', bytes: header?.bytes ?? 0, files: header?.files ?? 0, installedAt: header?.installed_at, path };
  try {
    const { spec } = parseRuntimeSpec(await readFile(join(path, runtimeFiles.spec), 'utf8'));
    return {
      ...base,
      version: spec.version,
      ...(spec.language ? { language: spec.language } : {}),
      ...(spec.description ? { description: spec.description } : {}),
      ...(header ? {} : { problem: 'no manifest' }),
    };
  } catch (err) {
    return { ...base, problem: `runtime.yml: ${(err as Error).message}` };
  }
}

export async function runtimeInfo(root: string, name: string): Promise<RuntimeInfo> {
  const path = requireInstalled(root, name);
  const specText = await readFile(join(path, runtimeFiles.spec), 'utf8');
  const { spec, warnings } = parseRuntimeSpec(specText, join(path, runtimeFiles.spec));
  const manifest = await readManifest(join(path, runtimeFiles.manifest)).catch(() => undefined);
  const sizes = new Map<string, { bytes: number; files: number }>();
  for (const e of manifest?.entries ?? []) {
    if (e.path === '.') continue;
    const slash = e.path.indexOf('/');
    const dir = slash < 0 ? (e.type === 'dir' ? e.path : '/') : e.path.slice(0, slash);
    const s = sizes.get(dir) ?? { bytes: 0, files: 0 };
    s.bytes += e.size;
    if (e.type !== 'dir') s.files += 1;
    sizes.set(dir, s);
  }
  return {
    name,
    version: spec.version,
    ...(spec.language ? { language: spec.language } : {}),
    ...(spec.description ? { description: spec.description } : {}),
    bytes: manifest?.header.bytes ?? 0,
    files: manifest?.header.files ?? 0,
    ...(manifest ? { installedAt: manifest.header.installed_at } : { problem: 'no manifest' }),
    path,
    spec,
    specText,
    warnings,
    sizes: [...sizes.entries()].map(([dir, s]) => ({ dir, ...s })).sort((a, b) => b.bytes - a.bytes),
  };
}
