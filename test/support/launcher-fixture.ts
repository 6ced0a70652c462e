// Test runtimes installed straight into the runtimes directory (root-owned), independent of the store code.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeBusyboxTree } from './busybox.js';

export const RUNTIMES_DIR = '/opt/rnx/runtimes';
export const TEST_RUNTIME = 'rnx-test-busybox';
const FIXTURE_VERSION = '1';

export const DEFAULT_SPEC = `version 1
workdir /work
env LANG=C.UTF-8
env RNX_RUNTIME=${TEST_RUNTIME}
writable /var/tmp
`;

const RUNTIME_YML = (name: string) => `name: ${name}
version: "${FIXTURE_VERSION}"
description: busybox test runtime (written by test/support/launcher-fixture.ts)
workdir: /work
env:
  LANG: C.UTF-8
writable:
  - /var/tmp
`;

function rootOwnedDir(path: string): void {
  mkdirSync(path, { recursive: true, mode: 0o755 });
  chownSync(path, 0, 0);
  chmodSync(path, 0o755);
}

/** chown -R root:root, strip group/other write bits (without following symlinks) */
function makeTrusted(path: string): void {
  execFileSync('chown', ['-R', '-h', 'root:root', path]);
  execFileSync('chmod', ['-R', 'go-w', path]);
}

export interface RuntimeOptions {
  spec?: string;
  /** called with the isolated/ directory before ownership is fixed */
  customize?: (isolated: string) => void;
  /** reinstall even if a current copy exists */
  force?: boolean;
}

/** Installs a busybox runtime under /opt/rnx/runtimes/<name>. Fast when already current. */
export function installTestRuntime(name: string = TEST_RUNTIME, opts: RuntimeOptions = {}): string {
  rootOwnedDir('/opt/rnx');
  rootOwnedDir(RUNTIMES_DIR);
  const dir = join(RUNTIMES_DIR, name);
  const spec = opts.spec ?? DEFAULT_SPEC;
  const stamp = join(dir, '.fixture');
  const want = `${FIXTURE_VERSION}\n${spec}`;
  if (!opts.force && !opts.customize && existsSync(stamp) && readFileSync(stamp, 'utf8') === want && existsSync(join(dir, 'isolated', 'bin', 'sh'))) {
    return dir;
  }
  const tmp = join(RUNTIMES_DIR, `.${name}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { mode: 0o755 });
  writeBusyboxTree(join(tmp, 'isolated'));
  mkdirSync(join(tmp, 'isolated', 'var', 'tmp'), { recursive: true });
  opts.customize?.(join(tmp, 'isolated'));
  writeFileSync(join(tmp, 'runtime.yml'), RUNTIME_YML(name));
  writeFileSync(join(tmp, 'launch.spec'), spec);
  writeFileSync(stamp.replace(dir, tmp), want);
  makeTrusted(tmp);
  chmodSync(tmp, 0o755);
  removeRuntime(name);
  renameSync(tmp, dir);
  return dir;
}

export function removeRuntime(name: string): void {
  const dir = join(RUNTIMES_DIR, name);
  try {
    lstatSync(dir);
  } catch {
    return;
  }
  rmSync(dir, { recursive: true, force: true });
}

/** Removes runtimes a test created (names starting with rnx-test-), except the shared one. */
export function removeScratchRuntimes(): void {
  if (!existsSync(RUNTIMES_DIR)) return;
  for (const n of readdirSync(RUNTIMES_DIR)) {
    if ((n.startsWith('rnx-test-') && n !== TEST_RUNTIME) || n.startsWith('.rnx-test-')) removeRuntime(n);
  }
}

/** A small static program that prints "ruid euid": shows whether a setuid bit took effect. */
export function buildShowIds(dest: string): void {
  const src = `${dest}.c`;
  writeFileSync(src, '#include <stdio.h>\n#include <unistd.h>\nint main(void){printf("%d %d\\n",(int)getuid(),(int)geteuid());return 0;}\n');
  execFileSync('gcc', ['-static', '-O1', '-o', dest, src]);
  rmSync(src);
}
