// All the stores of the terminal app, wired together, and the timers that keep them current.
import type { AppDeps } from './deps.js';
import { createInspectStore } from './inspect-store.js';
import { createJobsStore } from './jobs-store.js';
import { createLaunchStore } from './launch-store.js';
import { createOutputStore } from './output-store.js';
import type { TailOptions } from './output-tail.js';
import { createRuntimesStore } from './runtimes-store.js';
import { createUiStore, type View } from './ui-store.js';
import { createUsageStore } from './usage-store.js';

export interface AppStateOptions {
  initialView?: View;
  tail?: TailOptions;
  /** Timer periods (ms). */
  outputMs?: number;
  jobsMs?: number;
  usageMs?: number;
}

export function createAppState(deps: AppDeps, opts: AppStateOptions = {}) {
  const ui = createUiStore(opts.initialView);
  const runtimes = createRuntimesStore(deps, ui);
  const inspect = createInspectStore(deps);
  const jobs = createJobsStore(deps, ui);
  const output = createOutputStore(opts.tail);
  const usage = createUsageStore();
  const launch = createLaunchStore(deps, ui, jobs);
  const timers: NodeJS.Timeout[] = [];
  const unsubs: Array<() => void> = [];

  const followSelection = () => {
    const id = jobs.getState().selected;
    // another user's job (root, u) has its output in that user's state directory
    output.getState().open(id, id ? jobs.getState().storeFor(id).file(id, 'output') : undefined);
    if (usage.getState().jobId !== id) usage.getState().sample(jobs.getState().selectedJob());
  };

  const state = {
    deps,
    ui,
    runtimes,
    inspect,
    jobs,
    output,
    usage,
    launch,
    /** Loads everything once and starts the timers. */
    async start(): Promise<void> {
      unsubs.push(
        jobs.subscribe((s, prev) => {
          if (s.selected !== prev.selected) followSelection();
        }),
        runtimes.subscribe((s, prev) => {
          if (s.all !== prev.all) launch.getState().setRuntimes(s.all.map((r) => r.name));
        }),
      );
      jobs.getState().refresh();
      followSelection();
      const every = (ms: number, fn: () => unknown) => {
        const t = setInterval(() => void fn(), ms);
        t.unref();
        timers.push(t);
      };
      every(opts.outputMs ?? 100, () => output.getState().tick());
      every(opts.jobsMs ?? 1000, () => jobs.getState().refresh());
      every(opts.usageMs ?? 1000, () => usage.getState().sample(jobs.getState().selectedJob()));
      await runtimes.getState().load();
    },
    async stop(): Promise<void> {
      for (const t of timers) clearInterval(t);
      timers.length = 0;
      for (const u of unsubs) u();
      unsubs.length = 0;
      await output.getState().close();
    },
    /** Whether a text field has the keyboard (then global keys like q are typed, not run). */
    editing(): boolean {
      const view = ui.getState().view;
      if (ui.getState().command !== undefined || view === 'launch') return true;
      if (view === 'runtimes') return runtimes.getState().filterEditing || runtimes.getState().installEditing;
      if (view === 'inspect') return inspect.getState().findEditing || inspect.getState().viewer?.searchEditing === true;
      if (view === 'jobs') return jobs.getState().filterEditing || output.getState().searchEditing;
      return false;
    },
  };
  return state;
}

export type AppState = ReturnType<typeof createAppState>;
