// What the app's stores need from the outside world. Defaults call the library modules; tests override.
import { join } from 'node:path';
import { JobStore } from '../jobs/store.js';
import { listAllUsersJobs, type UserJob } from '../jobs/all-users.js';
import { describeJob, type JobDescription } from '../jobs/describe.js';
import { readEvents } from '../jobs/events.js';
import { startJob, type RunRequest } from '../jobs/runner.js';
import { stopJob } from '../jobs/stop.js';
import type { JobRecord } from '../jobs/types.js';
import { listRuntimes, runtimeInfo, type RuntimeInfo, type RuntimeSummary } from '../runtimes/store.js';
import { verifyRuntime, type VerifyReport } from '../runtimes/verify.js';
import { removeRuntime } from '../runtimes/remove.js';
import { readManifest, type Manifest } from '../runtimes/manifest.js';
import { runtimeFiles, storeLayout } from '../runtimes/paths.js';
import type { CheckReport } from '../runtimes/check/check.js';

export interface InstallEvent {
  text: string;
  /** 0..1 when known. */
  fraction?: number;
}

export interface AppOps {
  listRuntimes(root: string): Promise<RuntimeSummary[]>;
  runtimeInfo(root: string, name: string): Promise<RuntimeInfo>;
  readManifest(root: string, name: string): Promise<Manifest>;
  verifyRuntime(root: string, name: string, onProgress: (done: number, total: number) => void): Promise<VerifyReport>;
  checkRuntime(root: string, name: string, onProgress: (files: number) => void): Promise<CheckReport>;
  removeRuntime(root: string, name: string): void;
  installRuntime(root: string, source: string, force: boolean, onEvent: (e: InstallEvent) => void): Promise<string>;
  listJobs(store: JobStore): JobRecord[];
  /** Every user's jobs root can find (all-users.ts); `known`: state directories found before. */
  listAllJobs(store: JobStore, known: string[]): { jobs: UserJob[]; dirs: string[] };
  describeJob(store: JobStore, id: string): JobDescription;
  startJob(store: JobStore, req: Omit<RunRequest, 'launcher' | 'detach' | 'runtimeDir'> & { root: string }): Promise<JobRecord>;
  stopJob(store: JobStore, id: string): Promise<JobRecord>;
  removeJob(store: JobStore, id: string): void;
}

export interface AppDeps {
  root: string;
  readonly: boolean;
  isRoot: boolean;
  jobStore: JobStore;
  ops: AppOps;
  /** Hands the terminal to a shell in the runtime (set by the app's entry point). */
  shell?: (name: string) => Promise<number>;
  /** Ctrl-Z: gives the terminal back and stops the app until it is continued (set by the app's entry point). */
  suspend?: () => void;
}

function launcher(): Promise<string> {
  return import('../launcher/locate.js').then((m) => m.checkLauncher());
}

export const defaultOps: AppOps = {
  listRuntimes,
  runtimeInfo,
  readManifest: (root, name) => readManifest(join(storeLayout.runtimeDir(root, name), runtimeFiles.manifest)),
  verifyRuntime,
  async checkRuntime(root, name, onProgress) {
    const { checkTree } = await import('../runtimes/check/check.js');
    const { checkTarget } = await import('../runtimes/check/target.js');
    const { tree, env } = await checkTarget(storeLayout.runtimeDir(root, name));
    return checkTree(tree, { env, onProgress });
  },
  removeRuntime: (root, name) => void removeRuntime(root, name, false),
  async installRuntime(root, source, force, onEvent) {
    const { describeInstallEvent, describeInstalled, installFromSource } = await import('../runtimes/install-source.js');
    const result = await installFromSource(source, {
      root,
      force,
      onEvent: (e) => {
        const shown = describeInstallEvent(e);
        if (shown) onEvent(shown);
      },
    });
    return describeInstalled(result);
  },
  listJobs: (store) => store.list(),
  listAllJobs: (store, known) => listAllUsersJobs(store, known),
  describeJob: (store, id) => describeJob(store.read(id), readEvents(store.file(id, 'events')), store.file(id, 'output')),
  async startJob(store, req) {
    const path = await launcher();
    const { root, ...rest } = req;
    const { requireInstalled } = await import('../runtimes/lookup.js');
    const runtimeDir = requireInstalled(root, req.runtime);
    const started = startJob(store, { ...rest, runtimeDir, launcher: path, detach: true });
    started.launcher.unref();
    // With --detach the launcher returns once the job runs (or was refused).
    await Promise.race([started.launcher.exited, new Promise((r) => setTimeout(r, 5000))]);
    return store.read(started.record.id);
  },
  async stopJob(store, id) {
    return stopJob(store, await launcher(), id, 5000);
  },
  removeJob: (store, id) => store.remove(id),
};

export function defaultDeps(root: string, readonly: boolean, overrides: Partial<AppDeps> = {}): AppDeps {
  return {
    root,
    readonly,
    isRoot: process.getuid?.() === 0,
    jobStore: new JobStore(),
    ops: defaultOps,
    ...overrides,
  };
}
