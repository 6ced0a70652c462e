import { join, posix } from 'node:path';

/** Normalises an absolute in-job path; returns undefined when it is not absolute or not clean. */
export function cleanAbsolutePath(p: string): string | undefined {
  if (!p.startsWith('/') || /[\s\0]/.test(p)) return undefined;
  const norm = posix.normalize(p).replace(/\/+$/, '');
  return norm === '' ? '/' : norm;
}

/** Normalises a relative path and refuses one that leaves its base (`..`) or is absolute. */
export function cleanRelativePath(p: string): string | undefined {
  if (p.startsWith('/') || /[\s\0]/.test(p) || p === '') return undefined;
  const norm = posix.normalize(p).replace(/\/+$/, '');
  if (norm === '..' || norm.startsWith('../') || norm === '.') return undefined;
  return norm;
}

/** Where runtimes are stored when neither --root nor $RNX_ROOT says otherwise (the launcher's runtimes_dir is below it). */
export const DEFAULT_STORE_ROOT = '/opt/rnx';

/** The store root from the environment: $RNX_ROOT, else the default. */
export function storeRootFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.RNX_ROOT || DEFAULT_STORE_ROOT;
}

/** The PATH a runtime's jobs get when its runtime.yml sets none (rnx-launch's DEFAULT_PATH is the same). */
export const DEFAULT_JOB_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export const storeLayout = {
  runtimesDir: (root: string) => join(root, 'runtimes'),
  runtimeDir: (root: string, name: string) => join(root, 'runtimes', name),
};

/** Files inside one runtime directory. */
export const runtimeFiles = {
  spec: 'runtime.yml',
  tree: 'isolated',
  manifest: 'manifest.jsonl',
  launchSpec: 'launch.spec',
} as const;
