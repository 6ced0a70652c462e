// Installed runtimes: the list (filter, sort, selection), the selected one's details, and the
// verify / check / remove / install actions with their progress and last results.
import { createStore } from 'zustand/vanilla';
import type { RuntimeInfo, RuntimeSummary } from '../runtimes/store.js';
import { describeCheck } from '../runtimes/check/describe.js';
import { describeVerify } from '../runtimes/verify.js';
import { describeError } from '../util/errors.js';
import type { AppDeps } from './deps.js';
import { keyAfterMove, keyAtEdge, memoRows, nextInCycle } from './list-nav.js';
import type { UiStore } from './ui-store.js';

export type RuntimeSort = 'name' | 'size' | 'version' | 'language' | 'installed';
export const RUNTIME_SORTS: RuntimeSort[] = ['name', 'size', 'version', 'language', 'installed'];

export interface CheckResult {
  ok: boolean;
  summary: string;
  details: string[];
  at: number;
}

export interface Task {
  kind: 'verify' | 'check' | 'remove' | 'install';
  name: string;
  progress: string;
  fraction?: number;
}

export interface RuntimesState {
  loaded: boolean;
  error: string | undefined;
  all: RuntimeSummary[];
  filter: string;
  filterEditing: boolean;
  sort: RuntimeSort;
  reverse: boolean;
  selected: string | undefined;
  details: Record<string, RuntimeInfo | { error: string }>;
  verified: Record<string, CheckResult>;
  checked: Record<string, CheckResult>;
  task: Task | undefined;
  installEditing: boolean;
  installSource: string;
  /** The rows shown, in order. */
  visible(): RuntimeSummary[];
  load(): Promise<void>;
  select(name: string | undefined): void;
  move(delta: number): void;
  moveTo(where: 'top' | 'bottom'): void;
  setFilter(filter: string, editing: boolean): void;
  cycleSort(): void;
  toggleReverse(): void;
  loadDetail(name: string): Promise<void>;
  verify(name?: string): Promise<void>;
  check(name?: string): Promise<void>;
  remove(name?: string): Promise<void>;
  startInstall(): void;
  setInstallSource(source: string): void;
  install(source?: string): Promise<void>;
  cancelInstall(): void;
}

export type RuntimesStore = ReturnType<typeof createRuntimesStore>;

function compare(sort: RuntimeSort, a: RuntimeSummary, b: RuntimeSummary): number {
  switch (sort) {
    case 'size':
      return a.bytes - b.bytes;
    case 'version':
      return a.version.localeCompare(b.version, undefined, { numeric: true });
    case 'language':
      return (a.language ?? '').localeCompare(b.language ?? '');
    case 'installed':
      return (a.installedAt ?? '').localeCompare(b.installedAt ?? '');
    default:
      return a.name.localeCompare(b.name);
  }
}

const runtimeKey = (r: RuntimeSummary): string => r.name;

export function createRuntimesStore(deps: AppDeps, ui: UiStore) {
  const store = createStore<RuntimesState>()((set, get) => {
    const visible = memoRows(
      () => [get().all, get().filter, get().sort, get().reverse],
      () => {
        const { all, filter, sort, reverse } = get();
        const f = filter.toLowerCase();
        const rows = all
          .filter((r) => !f || r.name.toLowerCase().includes(f) || (r.language ?? '').toLowerCase().includes(f))
          .sort((a, b) => compare(sort, a, b) || a.name.localeCompare(b.name));
        if (reverse) rows.reverse();
        return rows;
      },
    );
    const ensureSelection = () => {
      const rows = visible();
      const { selected } = get();
      if (!rows.find((r) => r.name === selected)) get().select(rows[0]?.name);
    };
    const target = (name?: string) => name ?? get().selected;
    /** Runs one task at a time with its progress shown; a failure is said in the status bar as "KIND NAME: why". */
    const runTask = async (
      kind: Task['kind'],
      name: string,
      starting: string,
      work: (progress: (text: string, fraction?: number) => void) => Promise<void>,
    ) => {
      const progress = (text: string, fraction?: number) => set({ task: { kind, name, progress: text, ...(fraction !== undefined ? { fraction } : {}) } });
      progress(starting);
      try {
        await work(progress);
      } catch (err) {
        ui.getState().say(`${kind} ${name}: ${describeError(err)}`, 'error');
      } finally {
        set({ task: undefined });
      }
    };
    const busy = (): boolean => {
      if (get().task) {
        ui.getState().say(`busy: ${get().task!.kind} ${get().task!.name} is still running`, 'warn');
        return true;
      }
      return false;
    };
    return {
      loaded: false,
      error: undefined,
      all: [],
      filter: '',
      filterEditing: false,
      sort: 'name',
      reverse: false,
      selected: undefined,
      details: {},
      verified: {},
      checked: {},
      task: undefined,
      installEditing: false,
      installSource: '',
      visible,
      async load() {
        try {
          const all = await deps.ops.listRuntimes(deps.root);
          set({ all, loaded: true, error: undefined, details: {} });
        } catch (err) {
          set({ all: [], loaded: true, error: describeError(err) });
        }
        ensureSelection();
        const sel = get().selected;
        if (sel) void get().loadDetail(sel);
      },
      select(name) {
        if (name === get().selected) return;
        set({ selected: name });
        if (name && !get().details[name]) void get().loadDetail(name);
      },
      move(delta) {
        const rows = visible();
        if (rows.length) get().select(keyAfterMove(rows, runtimeKey, get().selected, delta));
      },
      moveTo: (where) => get().select(keyAtEdge(visible(), runtimeKey, where)),
      setFilter(filter, editing) {
        set({ filter, filterEditing: editing });
        ensureSelection();
      },
      cycleSort: () => set({ sort: nextInCycle(RUNTIME_SORTS, get().sort) }),
      toggleReverse: () => set((s) => ({ reverse: !s.reverse })),
      async loadDetail(name) {
        try {
          const info = await deps.ops.runtimeInfo(deps.root, name);
          set((s) => ({ details: { ...s.details, [name]: info } }));
        } catch (err) {
          set((s) => ({ details: { ...s.details, [name]: { error: describeError(err) } } }));
        }
      },
      async verify(name) {
        const n = target(name);
        if (!n || busy()) return;
        await runTask('verify', n, 'starting…', async (progress) => {
          const r = await deps.ops
            .verifyRuntime(deps.root, n, (done, total) => progress(`hashing ${Math.floor((done / Math.max(total, 1)) * 100)}%`, done / Math.max(total, 1)))
            .catch((err: unknown) => {
              set((s) => ({ verified: { ...s.verified, [n]: { ok: false, summary: describeError(err), details: [], at: Date.now() } } }));
              throw err;
            });
          const { findings: details, summary } = describeVerify(r);
          set((s) => ({ verified: { ...s.verified, [n]: { ok: r.ok, summary, details, at: Date.now() } } }));
          ui.getState().say(`verify ${n}: ${summary}`, r.ok ? 'ok' : 'error');
        });
      },
      async check(name) {
        const n = target(name);
        if (!n || busy()) return;
        await runTask('check', n, 'reading the tree…', async (progress) => {
          const r = await deps.ops
            .checkRuntime(deps.root, n, (files) => progress(`${files} files read`))
            .catch((err: unknown) => {
              set((s) => ({ checked: { ...s.checked, [n]: { ok: false, summary: describeError(err), details: [], at: Date.now() } } }));
              throw err;
            });
          const { findings: details, summary } = describeCheck(r);
          set((s) => ({ checked: { ...s.checked, [n]: { ok: r.ok, summary, details, at: Date.now() } } }));
          ui.getState().say(`check ${n}: ${summary}`, r.ok ? 'ok' : 'error');
        });
      },
      async remove(name) {
        const n = target(name);
        if (!n || deps.readonly || busy()) return;
        await runTask('remove', n, 'removing…', async () => {
          deps.ops.removeRuntime(deps.root, n);
          ui.getState().say(`removed ${n}`, 'ok');
        });
        await get().load();
      },
      startInstall: () => set({ installEditing: true, installSource: '' }),
      setInstallSource: (installSource) => set({ installSource }),
      cancelInstall: () => set({ installEditing: false, installSource: '' }),
      async install(source) {
        const src = (source ?? get().installSource).trim();
        set({ installEditing: false });
        if (!src || deps.readonly || busy()) return;
        await runTask('install', src, 'starting…', async (progress) => {
          ui.getState().say(await deps.ops.installRuntime(deps.root, src, false, (e) => progress(e.text, e.fraction)), 'ok');
        });
        await get().load();
      },
    };
  });
  return store;
}
