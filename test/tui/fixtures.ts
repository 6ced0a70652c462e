// Fixtures for the terminal app's tests: a runtime store and a job store written by hand in temp dirs.
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobStore } from '../../src/jobs/store.js';
import type { JobRecord } from '../../src/jobs/types.js';
import { writeManifest } from '../../src/runtimes/manifest.js';
import { scanTree } from '../../src/runtimes/tree.js';
import { createAppState, type AppStateOptions } from '../../src/state/app.js';
import { defaultOps, type AppDeps, type AppOps } from '../../src/state/deps.js';
import { makeTheme } from '../../src/tui/theme.js';

export const theme = makeTheme({ color: false, unicode: true });

/** A store root with runtimes `alpha` (a small tree with links and a text file) and `beta`. */
export async function makeRoot(): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'rnx-tui-root-'));
  for (const [name, version, lang] of [
    ['alpha', '1.0', 'shell'],
    ['beta', '2.5', 'python'],
  ] as const) {
    const dir = join(root, 'runtimes', name);
    const tree = join(dir, 'isolated');
    mkdirSync(join(tree, 'bin'), { recursive: true });
    mkdirSync(join(tree, 'etc'), { recursive: true });
    mkdirSync(join(tree, 'usr', 'lib'), { recursive: true });
    writeFileSync(join(tree, 'bin', 'busybox'), Buffer.alloc(2048, 1), { mode: 0o755 });
    symlinkSync('/bin/busybox', join(tree, 'bin', 'sh'));
    symlinkSync('../../etc/os-release', join(tree, 'usr', 'lib', 'os-release'));
    symlinkSync('/nowhere', join(tree, 'bin', 'dangling'));
    symlinkSync('../../../../../etc/passwd', join(tree, 'etc', 'escape'));
    writeFileSync(join(tree, 'etc', 'os-release'), Array.from({ length: 60 }, (_, i) => `LINE_${i}="value ${i}"`).join('\n') + '\n');
    writeFileSync(join(tree, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
    writeFileSync(join(tree, 'etc', 'blob.bin'), Buffer.from([1, 2, 0, 3]));
    writeFileSync(
      join(dir, 'runtime.yml'),
      `name: ${name}\nversion: "${version}"\nlanguage: ${lang}\ndescription: test runtime ${name}\nenvironment:\n  LANG: C.UTF-8\n`,
    );
    const entries = await scanTree(tree);
    await writeManifest(join(dir, 'manifest.jsonl'), entries, { name, version });
  }
  return root;
}

export function makeJobStore(): JobStore {
  return new JobStore(mkdtempSync(join(tmpdir(), 'rnx-tui-state-')));
}

export function writeJob(store: JobStore, partial: Partial<JobRecord> & { id: string }, output = ''): JobRecord {
  const record: JobRecord = {
    runtime: 'alpha',
    command: ['sh', '-c', 'echo hi'],
    limits: { network: 'none' },
    env: {},
    user: 'test',
    uid: 1000,
    detached: true,
    createdAt: new Date(Date.now() - 5000).toISOString(),
    startedAt: new Date(Date.now() - 5000).toISOString(),
    endedAt: new Date().toISOString(),
    state: 'exited',
    exitCode: 0,
    oom: false,
    timedOut: false,
    ...partial,
  };
  mkdirSync(store.dir(record.id), { recursive: true });
  store.save(record);
  writeFileSync(store.file(record.id, 'output'), output);
  return record;
}

export function makeDeps(root: string, jobStore: JobStore, ops: Partial<AppOps> = {}, extra: Partial<AppDeps> = {}): AppDeps {
  return { root, readonly: false, isRoot: true, jobStore, ops: { ...defaultOps, ...ops }, ...extra };
}

export function makeState(deps: AppDeps, opts: AppStateOptions = {}) {
  return createAppState(deps, { outputMs: 20, jobsMs: 200, usageMs: 200, ...opts });
}

export const keys = {
  up: '\u001B[A',
  down: '\u001B[B',
  right: '\u001B[C',
  left: '\u001B[D',
  enter: '\r',
  esc: '\u001B',
  tab: '\t',
  shiftTab: '\u001B[Z',
  backspace: '\u007F',
};

export const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));

/** Waits until `fn` returns true (or fails after `ms`). */
export async function until(fn: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await tick(20);
  }
}

/** A store's records as stored, newest first: the fake running jobs have no process for the store to find. */
export const listRaw = (store: JobStore): JobRecord[] =>
  store
    .ids()
    .map((id) => store.readRaw(id))
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
