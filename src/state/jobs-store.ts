// The job list (the same store `rnx job list` reads, so jobs started elsewhere appear), its filter and
// selection, and the stop / remove actions.
import { createStore } from 'zustand/vanilla';
import { formatCommand } from '../util/format.js';
import { keyAfterMove, keyAtEdge, memoRows, nextInCycle } from './list-nav.js';
import { FINAL_STATES, jobDurationMs, type JobRecord } from '../jobs/types.js';
import { describeError } from '../util/errors.js';
import type { AppDeps } from './deps.js';
import type { UiStore } from './ui-store.js';

export type JobSort = 'created' | 'state' | 'runtime' | 'duration';
export const JOB_SORTS: JobSort[] = ['created', 'state', 'runtime', 'duration'];

export interface JobsState {
  jobs: JobRecord[];
  loaded: boolean;
  error: string | undefined;
  filter: string;
  filterEditing: boolean;
  sort: JobSort;
  reverse: boolean;
  selected: string | undefined;
  focus: 'list' | 'output';
  zoom: boolean;
  stopping: Record<string, true>;
  /** When the list was last read, while a job runs (its duration grows with it); else when it last changed. */
  clock: number;
  visible(): JobRecord[];
  refresh(): void;
  select(id: string | undefined): void;
  move(delta: number): void;
  moveTo(where: 'top' | 'bottom'): void;
  setFilter(filter: string, editing: boolean): void;
  cycleSort(): void;
  toggleReverse(): void;
  setFocus(focus: 'list' | 'output'): void;
  toggleZoom(): void;
  stop(id?: string): Promise<void>;
  remove(id?: string): void;
  selectedJob(): JobRecord | undefined;
}

export type JobsStore = ReturnType<typeof createJobsStore>;

const STATE_ORDER = ['running', 'failed', 'oom', 'killed', 'timed-out', 'stopped', 'exited'];

function compare(sort: JobSort, a: JobRecord, b: JobRecord): number {
  switch (sort) {
    case 'state':
      return STATE_ORDER.indexOf(a.state) - STATE_ORDER.indexOf(b.state);
    case 'runtime':
      return a.runtime.localeCompare(b.runtime);
    case 'duration':
      return (jobDurationMs(b) ?? 0) - (jobDurationMs(a) ?? 0);
    default:
      return 0; // the store lists newest first
  }
}

export function jobMatches(j: JobRecord, filter: string): boolean {
  if (!filter) return true;
  const f = filter.toLowerCase();
  return [j.id, j.name ?? '', j.runtime, j.state, formatCommand(j.command)].some((s) => s.toLowerCase().includes(f));
}

const jobKey = (j: JobRecord): string => j.id;

export function createJobsStore(deps: AppDeps, ui: UiStore) {
  return createStore<JobsState>()((set, get) => {
    const visible = memoRows(
      () => [get().jobs, get().filter, get().sort, get().reverse],
      () => {
        const { jobs, filter, sort, reverse } = get();
        const rows = jobs.filter((j) => jobMatches(j, filter));
        if (sort !== 'created') rows.sort((a, b) => compare(sort, a, b));
        if (reverse) rows.reverse();
        return rows;
      },
    );
    const ensureSelection = () => {
      const rows = visible();
      if (!rows.find((j) => j.id === get().selected)) set({ selected: rows[0]?.id });
    };
    const target = (id?: string) => id ?? get().selected;
    return {
      jobs: [],
      loaded: false,
      error: undefined,
      filter: '',
      filterEditing: false,
      sort: 'created',
      reverse: false,
      selected: undefined,
      focus: 'list',
      zoom: false,
      stopping: {},
      clock: Date.now(),
      visible,
      refresh() {
        try {
          const jobs = deps.ops.listJobs(deps.jobStore);
          const prev = get().jobs;
          // Keep the same array when nothing changed, so views do not redraw for nothing.
          const same = prev.length === jobs.length && prev.every((p, i) => JSON.stringify(p) === JSON.stringify(jobs[i]));
          const running = jobs.some((j) => !FINAL_STATES.has(j.state));
          if (!same || !get().loaded || running) set({ jobs: same ? prev : jobs, loaded: true, error: undefined, clock: Date.now() });
        } catch (err) {
          set({ loaded: true, error: describeError(err) });
        }
        ensureSelection();
      },
      select: (id) => set({ selected: id }),
      move(delta) {
        const rows = visible();
        if (rows.length) set({ selected: keyAfterMove(rows, jobKey, get().selected, delta) });
      },
      moveTo: (where) => set({ selected: keyAtEdge(visible(), jobKey, where) }),
      setFilter(filter, editing) {
        set({ filter, filterEditing: editing });
        ensureSelection();
      },
      cycleSort: () => set({ sort: nextInCycle(JOB_SORTS, get().sort) }),
      toggleReverse: () => set((s) => ({ reverse: !s.reverse })),
      setFocus: (focus) => set({ focus }),
      toggleZoom: () => set((s) => ({ zoom: !s.zoom })),
      selectedJob() {
        const id = get().selected;
        return get().jobs.find((j) => j.id === id);
      },
      async stop(id) {
        const jid = target(id);
        if (!jid || deps.readonly) return;
        set((s) => ({ stopping: { ...s.stopping, [jid]: true } }));
        ui.getState().say(`stopping ${jid}…`);
        try {
          const r = await deps.ops.stopJob(deps.jobStore, jid);
          ui.getState().say(`job ${jid} ${r.state}${r.exitCode !== undefined ? ` (exit ${r.exitCode})` : ''}`, 'ok');
        } catch (err) {
          ui.getState().say(`stop ${jid}: ${describeError(err)}`, 'error');
        } finally {
          set((s) => {
            const { [jid]: _drop, ...rest } = s.stopping;
            return { stopping: rest };
          });
          get().refresh();
        }
      },
      remove(id) {
        const jid = target(id);
        if (!jid || deps.readonly) return;
        const job = get().jobs.find((j) => j.id === jid);
        if (job && !FINAL_STATES.has(job.state)) {
          ui.getState().say(`job ${jid} is still running; stop it first`, 'warn');
          return;
        }
        try {
          deps.ops.removeJob(deps.jobStore, jid);
          ui.getState().say(`removed job ${jid}`, 'ok');
        } catch (err) {
          ui.getState().say(`remove ${jid}: ${describeError(err)}`, 'error');
        }
        get().refresh();
      },
    };
  });
}
