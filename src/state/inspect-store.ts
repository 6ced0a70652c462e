// Browsing one runtime's isolated/ tree: expand/collapse, find by name, and a text viewer.
import { join } from 'node:path';
import { createStore } from 'zustand/vanilla';
import { runtimeFiles, storeLayout } from '../runtimes/paths.js';
import { describeError } from '../util/errors.js';
import type { AppDeps } from './deps.js';
import {
  ancestors,
  buildTree,
  flatten,
  MAX_VIEW_BYTES,
  readTreeText,
  readTreeWindow,
  resolveInTree,
  type Resolution,
  type Row,
  type TextWindow,
  type Tree,
} from './tree-model.js';

export interface Viewer {
  title: string;
  lines: string[];
  top: number;
  wrap: boolean;
  searchEditing: boolean;
  query: string;
  match: number | undefined;
  /** A file over MAX_VIEW_BYTES: the part of it held now (lines are that part's; search looks in it). */
  window?: { start: number; end: number; size: number; offsets: number[] };
}

export interface InspectState {
  runtime: string | undefined;
  loading: boolean;
  error: string | undefined;
  tree: Tree | undefined;
  expanded: ReadonlySet<string>;
  rows: Row[];
  cursor: number;
  top: number;
  height: number;
  findEditing: boolean;
  query: string;
  matches: string[];
  matchIndex: number;
  viewer: Viewer | undefined;
  open(runtime: string): Promise<void>;
  setHeight(rows: number): void;
  move(delta: number): void;
  moveTo(where: 'top' | 'bottom'): void;
  activate(): Promise<void>;
  collapse(): void;
  setQuery(query: string, editing: boolean): void;
  nextMatch(direction: 1 | -1): void;
  closeViewer(): void;
  viewerScroll(delta: number, pageRows?: number): void;
  viewerTo(where: 'top' | 'bottom'): void;
  viewerToggleWrap(): void;
  viewerSetQuery(query: string, editing: boolean): void;
  viewerNext(direction: 1 | -1): void;
}

export type InspectStore = ReturnType<typeof createInspectStore>;

export function createInspectStore(deps: AppDeps) {
  return createStore<InspectState>()((set, get) => {
    // The large file being paged through, and a count that drops the answer of a read overtaken by another.
    let paged: { treeDir: string; resolved: Resolution & { ok: true } } | undefined;
    let reads = 0;
    const windowed = (v: Viewer, w: TextWindow, top: number): Viewer => ({
      ...v,
      lines: w.lines,
      window: { start: w.start, end: w.end, size: w.size, offsets: w.offsets },
      top: Math.max(0, Math.min(Math.max(0, w.lines.length - 1), top)),
      match: undefined,
    });
    /** Reads the window around byte `target` (or ending at it) and puts line `target` + `shift` at the top. */
    const page = async (target: number, shift: number, anchor: 'start' | 'end' = 'start') => {
      if (!paged) return;
      const n = ++reads;
      const { treeDir, resolved } = paged;
      const from = anchor === 'end' ? target : Math.max(0, target - (128 << 10));
      const w = await readTreeWindow(treeDir, resolved, from, anchor).catch(() => undefined);
      const v = get().viewer;
      if (!w || !v?.window || n !== reads) return;
      let i = w.offsets.findIndex((o) => o >= target);
      if (i < 0) i = w.lines.length - 1;
      set({ viewer: windowed(v, w, i + shift) });
    };
    const keepVisible = (cursor: number, rows = get().rows) => {
      const { top, height } = get();
      const h = Math.max(1, height);
      const c = Math.max(0, Math.min(rows.length - 1, cursor));
      let t = top;
      if (c < t) t = c;
      if (c >= t + h) t = c - h + 1;
      t = Math.max(0, Math.min(t, Math.max(0, rows.length - h)));
      set({ cursor: Math.max(0, c), top: t });
    };
    const setExpanded = (expanded: Set<string>, focusPath?: string) => {
      const tree = get().tree;
      if (!tree) return;
      const rows = flatten(tree, expanded);
      set({ expanded, rows });
      const idx = focusPath !== undefined ? rows.findIndex((r) => r.node.path === focusPath) : get().cursor;
      keepVisible(idx < 0 ? get().cursor : idx, rows);
    };
    const reveal = (path: string) => {
      const expanded = new Set(get().expanded);
      for (const a of ancestors(path)) expanded.add(a);
      setExpanded(expanded, path);
    };
    return {
      runtime: undefined,
      loading: false,
      error: undefined,
      tree: undefined,
      expanded: new Set(),
      rows: [],
      cursor: 0,
      top: 0,
      height: 20,
      findEditing: false,
      query: '',
      matches: [],
      matchIndex: 0,
      viewer: undefined,
      async open(runtime) {
        if (get().runtime === runtime && get().tree) return;
        set({
          runtime,
          loading: true,
          error: undefined,
          tree: undefined,
          rows: [],
          cursor: 0,
          top: 0,
          expanded: new Set(),
          viewer: undefined,
          query: '',
          matches: [],
        });
        try {
          const manifest = await deps.ops.readManifest(deps.root, runtime);
          const tree = buildTree(manifest.entries);
          set({ tree, loading: false, rows: flatten(tree, new Set()) });
        } catch (err) {
          set({ loading: false, error: describeError(err) });
        }
      },
      setHeight(height) {
        if (height !== get().height) {
          set({ height });
          keepVisible(get().cursor);
        }
      },
      move: (delta) => keepVisible(get().cursor + delta),
      moveTo: (where) => keepVisible(where === 'top' ? 0 : get().rows.length - 1),
      async activate() {
        const { rows, cursor, tree, runtime } = get();
        const row = rows[cursor];
        if (!row || !tree || !runtime) return;
        const node = row.node;
        if (node.type === 'dir') {
          const expanded = new Set(get().expanded);
          if (expanded.has(node.path)) expanded.delete(node.path);
          else expanded.add(node.path);
          setExpanded(expanded, node.path);
          return;
        }
        const resolved = resolveInTree(tree, node.path);
        if (!resolved.ok) {
          set({
            viewer: {
              title: `/${node.path}`,
              lines: [`cannot open: ${resolved.reason}`],
              top: 0,
              wrap: true,
              searchEditing: false,
              query: '',
              match: undefined,
            },
          });
          return;
        }
        if (resolved.node.type === 'dir') {
          // A link to a directory: show where it leads.
          reveal(resolved.path.slice(1));
          return;
        }
        const title = node.type === 'symlink' ? `/${node.path} ${'->'} ${resolved.path}` : `/${node.path}`;
        try {
          const treeDir = join(storeLayout.runtimeDir(deps.root, runtime), runtimeFiles.tree);
          paged = undefined;
          if (resolved.node.size > MAX_VIEW_BYTES) {
            // too large to hold: page through it a window at a time
            const w = await readTreeWindow(treeDir, resolved, 0);
            paged = { treeDir, resolved };
            set({ viewer: windowed({ title, lines: [], top: 0, wrap: false, searchEditing: false, query: '', match: undefined }, w, 0) });
            return;
          }
          const lines = await readTreeText(treeDir, resolved);
          set({ viewer: { title, lines, top: 0, wrap: false, searchEditing: false, query: '', match: undefined } });
        } catch (err) {
          set({ viewer: { title, lines: [`cannot show: ${describeError(err)}`], top: 0, wrap: true, searchEditing: false, query: '', match: undefined } });
        }
      },
      collapse() {
        const { rows, cursor } = get();
        const row = rows[cursor];
        if (!row) return;
        const expanded = new Set(get().expanded);
        if (row.node.type === 'dir' && expanded.has(row.node.path)) {
          expanded.delete(row.node.path);
          setExpanded(expanded, row.node.path);
          return;
        }
        const parent = ancestors(row.node.path).at(-1);
        if (parent !== undefined) {
          expanded.delete(parent);
          setExpanded(expanded, parent);
        }
      },
      setQuery(query, editing) {
        const tree = get().tree;
        const q = query.toLowerCase();
        const matches =
          tree && q
            ? [...tree.byPath.values()]
                .filter((n) => n.path && n.name.toLowerCase().includes(q))
                .map((n) => n.path)
                .sort()
            : [];
        set({ query, findEditing: editing, matches, matchIndex: 0 });
        if (!editing && matches[0] !== undefined) reveal(matches[0]);
      },
      nextMatch(direction) {
        const { matches, matchIndex } = get();
        if (!matches.length) return;
        const i = (matchIndex + direction + matches.length) % matches.length;
        set({ matchIndex: i });
        reveal(matches[i]!);
      },
      closeViewer: () => {
        paged = undefined;
        set({ viewer: undefined });
      },
      viewerScroll(delta) {
        const v = get().viewer;
        if (!v) return;
        const w = v.window;
        const want = v.top + delta;
        const h = Math.max(1, get().height);
        if (w && want < 0 && w.start > 0) return void page(w.start, want);
        if (w && want > v.lines.length - h && w.end < w.size) {
          const i = Math.min(v.lines.length - 1, want);
          return void page(w.offsets[i]!, want - i);
        }
        set({ viewer: { ...v, top: Math.max(0, Math.min(v.lines.length - 1, v.top + delta)) } });
      },
      viewerTo(where) {
        const v = get().viewer;
        if (!v) return;
        const w = v.window;
        if (w && where === 'top' && w.start > 0) return void page(0, 0);
        if (w && where === 'bottom' && w.end < w.size) return void page(w.size, -(Math.max(1, get().height) - 1), 'end');
        set({ viewer: { ...v, top: where === 'top' ? 0 : Math.max(0, v.lines.length - Math.max(1, get().height)) } });
      },
      viewerToggleWrap() {
        const v = get().viewer;
        if (v) set({ viewer: { ...v, wrap: !v.wrap } });
      },
      viewerSetQuery(query, editing) {
        const v = get().viewer;
        if (!v) return;
        set({ viewer: { ...v, query, searchEditing: editing, match: undefined } });
        if (!editing && query) get().viewerNext(1);
      },
      viewerNext(direction) {
        const v = get().viewer;
        if (!v?.query) return;
        const q = v.query.toLowerCase();
        const n = v.lines.length;
        const start = v.match === undefined ? v.top : v.match + direction;
        for (let step = 0; step < n; step++) {
          const i = (((start + step * direction) % n) + n) % n;
          if (v.lines[i]!.toLowerCase().includes(q)) {
            const h = Math.max(1, get().height);
            const top = i < v.top || i >= v.top + h ? Math.max(0, i - Math.floor(h / 3)) : v.top;
            set({ viewer: { ...v, match: i, top } });
            return;
          }
        }
        set({ viewer: { ...v, match: undefined } });
      },
    };
  });
}
