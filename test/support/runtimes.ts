// Installs small real runtimes into the launcher's store (/opt/rnx) for tests, through the rnx CLI.
import { existsSync, mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBusyboxTree } from './busybox.js';
import { rnx } from './cli.js';

export const STORE_ROOT = '/opt/rnx';

/** Installs (or replaces) a busybox runtime named `name` in /opt/rnx; returns its name. */
export function installBusyboxRuntime(name: string, specExtra = ''): string {
  const dir = mkdtempSync(join(tmpdir(), 'rnx-rt-'));
  try {
    writeBusyboxTree(join(dir, 'isolated'));
    writeFileSync(join(dir, 'runtime.yml'), `name: ${name}\nversion: "1"\nlanguage: shell\n${specExtra}`);
    const r = rnx(['runtime', 'install', dir, '--force'], { env: { RNX_ROOT: STORE_ROOT } });
    if (r.code !== 0) throw new Error(`installing ${name} failed: ${r.stderr}`);
    return name;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function removeRuntime(name: string): void {
  rnx(['runtime', 'remove', name, '--force'], { env: { RNX_ROOT: STORE_ROOT } });
}

export function runtimeInstalled(name: string): boolean {
  return existsSync(join(STORE_ROOT, 'runtimes', name, 'isolated'));
}

/** A state directory an unprivileged user can write. */
export function tempStateDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'rnx-state-'));
  chmodSync(d, 0o777);
  return d;
}
