// The Output pane of the selected job: a tail reader polled on a timer (one store update per tick at
// most), follow / scroll-back, wrap, and search with n/N over the lines held.
import { createStore } from 'zustand/vanilla';
import { OutputTail, type TailOptions } from './output-tail.js';

export interface OutputState {
  jobId: string | undefined;
  tail: OutputTail | undefined;
  /** Bumped whenever the tail has new lines. */
  version: number;
  lines: number;
  first: number;
  skippedBytes: number;
  follow: boolean;
  /** First line shown (absolute) while not following. */
  top: number;
  height: number;
  wrap: boolean;
  searchEditing: boolean;
  query: string;
  match: number | undefined;
  open(jobId: string | undefined, file: string | undefined): void;
  tick(): Promise<void>;
  setHeight(rows: number): void;
  scroll(delta: number): void;
  page(direction: 1 | -1): void;
  toTop(): void;
  toEnd(): void;
  toggleWrap(): void;
  setQuery(query: string, editing: boolean): void;
  next(direction: 1 | -1): void;
  close(): Promise<void>;
}

export type OutputStore = ReturnType<typeof createOutputStore>;

/** While output pours in, the pane is redrawn at most this often (keypresses are drawn at once). */
const BUSY_REDRAW_MS = 250;

export function createOutputStore(opts: TailOptions = {}) {
  return createStore<OutputState>()((set, get) => {
    let lastUpdate = 0;
    let pending = false;
    const bottomTop = () => {
      const { lines, height } = get();
      return Math.max(get().first, lines - Math.max(1, height));
    };
    const clampTop = (top: number) => Math.max(get().first, Math.min(top, bottomTop()));
    return {
      jobId: undefined,
      tail: undefined,
      version: 0,
      lines: 0,
      first: 0,
      skippedBytes: 0,
      follow: true,
      top: 0,
      height: 10,
      wrap: false,
      searchEditing: false,
      query: '',
      match: undefined,
      open(jobId, file) {
        if (jobId === get().jobId) return;
        void get().tail?.close();
        const tail = jobId && file ? new OutputTail(file, opts) : undefined;
        pending = false;
        set({ jobId, tail, version: get().version + 1, lines: 0, first: 0, skippedBytes: 0, follow: true, top: 0, match: undefined, searchEditing: false });
        void get().tick();
      },
      async tick() {
        const tail = get().tail;
        if (!tail) return;
        if (await tail.poll()) pending = true;
        if (!pending || tail !== get().tail) return;
        const s = get();
        const now = Date.now();
        if (tail.lineCount - s.lines > 1000 && now - lastUpdate < BUSY_REDRAW_MS) return;
        lastUpdate = now;
        pending = false;
        const update: Partial<OutputState> = { version: s.version + 1, lines: tail.lineCount, first: tail.firstRetained, skippedBytes: tail.skippedBytes };
        if (!s.follow && s.top < tail.firstRetained) update.top = tail.firstRetained;
        set(update);
      },
      setHeight(height) {
        if (height !== get().height) set({ height });
      },
      scroll(delta) {
        const s = get();
        const from = s.follow ? bottomTop() : s.top;
        const top = clampTop(from + delta);
        set({ top, follow: delta > 0 && top >= bottomTop() });
      },
      page(direction) {
        get().scroll(direction * Math.max(1, get().height - 1));
      },
      toTop: () => set({ top: get().first, follow: false }),
      toEnd: () => set({ follow: true, top: bottomTop() }),
      toggleWrap: () => set((s) => ({ wrap: !s.wrap })),
      setQuery(query, editing) {
        set({ query, searchEditing: editing, match: undefined });
        if (!editing && query) get().next(-1);
      },
      next(direction) {
        const s = get();
        const tail = s.tail;
        if (!tail || !s.query) return;
        const from = s.match !== undefined ? s.match + direction : s.follow ? s.lines - 1 : s.top;
        const found = tail.find(s.query, from, direction);
        if (found === undefined) {
          set({ match: undefined });
          return;
        }
        const h = Math.max(1, s.height);
        const visibleTop = s.follow ? bottomTop() : s.top;
        const top = found >= visibleTop && found < visibleTop + h ? visibleTop : clampTop(found - Math.floor(h / 3));
        set({ match: found, top, follow: false });
      },
      async close() {
        const tail = get().tail;
        set({ tail: undefined, jobId: undefined });
        await tail?.close();
      },
    };
  });
}
