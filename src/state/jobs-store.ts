// The job list (the same store `rnx job list` reads, so jobs started elsewhere appear), its filter and
// selection, and the stop / remove actions.
import { createStore } from 'zustand/vanilla';
import { formatCommand } from '../util/format.js';
import { keyAfterMove, keyAtEdge, memoRows, nextInCycle } from './list-nav.js';
import { FINAL_STATES, jobDurationMs, type JobRecord } from '../jobs/types.js';
import { describeError } from '../util/errors.js';
import type { AppDeps } from './deps.js';
import type { JobDescription } from '../jobs/describe.js';
import { JobStore } from '../jobs/store.js';
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
  /** Jobs marked (Space) for a batch stop or remove. */
  marked: Record<string, true>;
  /** The Describe pane replaces the output pane; `description` is the selected job's. */
  describing: boolean;
  description: JobDescription | undefined;
  /** root: every user's jobs (u). */
  allUsers: boolean;
  /** Other users' jobs -> the state directory of their record (from listAllJobs). */
  dirs: Record<string, string>;
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
  /** Marks or unmarks the selected job and moves down. */
  toggleMark(): void;
  clearMarks(): void;
  /** The marked jobs still listed, in list order. */
  markedJobs(): JobRecord[];
  stopMany(ids: string[]): Promise<void>;
  removeMany(ids: string[]): void;
  setDescribing(open: boolean): void;
  toggleAllUsers(): void;
  /** The store holding a job's record (another user's for all-users rows). */
  storeFor(id: string): JobStore;
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
  return [j.id, j.name ?? '', j.runtime, j.state, j.user ?? '', formatCommand(j.command)].some((s) => s.toLowerCase().includes(f));
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
    const known = new Set<string>(); // other users' state directories found this session
    const storeFor = (id: string): JobStore => {
      const dir = get().dirs[id];
      return dir ? new JobStore(dir) : deps.jobStore;
    };
    const describe = () => {
      const id = get().selected;
      if (!get().describing || !id) return get().description === undefined ? undefined : set({ description: undefined });
      try {
        set({ description: deps.ops.describeJob(storeFor(id), id) });
      } catch {
        // another user's job found only in the registry has no record: describe what the list knows
        const j = get().selectedJob();
        set({
          description: j ? { lines: [{ label: 'id', value: j.id }, ...(j.notes ?? []).map((n) => ({ label: 'note', value: n }))], timeline: [] } : undefined,
        });
      }
    };
    const ensureSelection = () => {
      const rows = visible();
      if (!rows.find((j) => j.id === get().selected)) set({ selected: rows[0]?.id });
    };
    const select = (selected: string | undefined) => {
      const changed = selected !== get().selected;
      set({ selected });
      if (changed) describe();
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
      marked: {},
      describing: false,
      description: undefined,
      allUsers: false,
      dirs: {},
      clock: Date.now(),
      visible,
      refresh() {
        try {
          let jobs: JobRecord[];
          let dirs: Record<string, string> = {};
          if (get().allUsers) {
            const all = deps.ops.listAllJobs(deps.jobStore, [...known]);
            for (const d of all.dirs) known.add(d);
            jobs = all.jobs.map((j) => j.record);
            for (const j of all.jobs) if (j.stateDir) dirs[j.record.id] = j.stateDir;
            if (JSON.stringify(dirs) === JSON.stringify(get().dirs)) dirs = get().dirs;
          } else jobs = deps.ops.listJobs(deps.jobStore);
          const prev = get().jobs;
          if (dirs !== get().dirs) set({ dirs });
          // Keep the same array when nothing changed, so views do not redraw for nothing.
          const same = prev.length === jobs.length && prev.every((p, i) => JSON.stringify(p) === JSON.stringify(jobs[i]));
          const running = jobs.some((j) => !FINAL_STATES.has(j.state));
          if (!same || !get().loaded || running) set({ jobs: same ? prev : jobs, loaded: true, error: undefined, clock: Date.now() });
        } catch (err) {
          set({ loaded: true, error: describeError(err) });
        }
        const before = get().selected;
        ensureSelection();
        // a running job's description moves on with it
        if (get().describing || before !== get().selected) describe();
        const ids = new Set(get().jobs.map((j) => j.id));
        if (Object.keys(get().marked).some((id) => !ids.has(id)))
          set((s) => ({
            marked: Object.fromEntries(
              Object.keys(s.marked)
                .filter((id) => ids.has(id))
                .map((id) => [id, true as const]),
            ),
          }));
      },
      select,
      move(delta) {
        const rows = visible();
        if (rows.length) select(keyAfterMove(rows, jobKey, get().selected, delta));
      },
      moveTo: (where) => select(keyAtEdge(visible(), jobKey, where)),
      setFilter(filter, editing) {
        const before = get().selected;
        set({ filter, filterEditing: editing });
        ensureSelection();
        if (before !== get().selected) describe();
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
          const r = await deps.ops.stopJob(storeFor(jid), jid);
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
          deps.ops.removeJob(storeFor(jid), jid);
          ui.getState().say(`removed job ${jid}`, 'ok');
        } catch (err) {
          ui.getState().say(`remove ${jid}: ${describeError(err)}`, 'error');
        }
        get().refresh();
      },
      toggleMark() {
        const id = get().selected;
        if (!id) return;
        set((s) => {
          const { [id]: was, ...rest } = s.marked;
          return { marked: was ? rest : { ...rest, [id]: true } };
        });
        get().move(1);
      },
      clearMarks: () => set({ marked: {} }),
      markedJobs: () => visible().filter((j) => get().marked[j.id]),
      async stopMany(ids) {
        set({ marked: {} });
        await Promise.all(ids.map((id) => get().stop(id)));
        if (ids.length > 1) ui.getState().say(`stopped ${ids.length} jobs`, 'ok');
      },
      removeMany(ids) {
        set({ marked: {} });
        for (const id of ids) get().remove(id);
        if (ids.length > 1) ui.getState().say(`removed ${ids.length} jobs`, 'ok');
      },
      setDescribing(open) {
        set({ describing: open });
        describe();
      },
      toggleAllUsers() {
        if (!deps.isRoot) return;
        set((s) => ({ allUsers: !s.allUsers, marked: {} }));
        get().refresh();
        ui.getState().say(get().allUsers ? "every user's jobs (running ones, and those of users found through them)" : 'your jobs');
      },
      storeFor,
    };
  });
}
