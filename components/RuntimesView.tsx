import { Box, Text } from 'ink';
import { useStore } from 'zustand';
import type { RuntimeInfo } from '../src/runtimes/store.js';
import { formatBytes, formatDate } from '../src/util/format.js';
import { fit } from '../src/tui/text.js';
import { useApp } from './AppContext.js';
import { RuntimeDetail } from './RuntimeDetail.js';

export interface ViewProps {
  width: number;
  height: number;
}

/** The installed runtimes: a list with filter and sort, and the selected one's details (keys: focus.ts). */
export function RuntimesView({ width, height }: ViewProps) {
  const { state, theme } = useApp();
  const rt = state.runtimes;
  const rows = useStore(rt, (s) => s.visible());
  const selected = useStore(rt, (s) => s.selected);
  const filter = useStore(rt, (s) => s.filter);
  const filterEditing = useStore(rt, (s) => s.filterEditing);
  const installEditing = useStore(rt, (s) => s.installEditing);
  const installSource = useStore(rt, (s) => s.installSource);
  const sort = useStore(rt, (s) => s.sort);
  const reverse = useStore(rt, (s) => s.reverse);
  const verified = useStore(rt, (s) => s.verified);
  const checked = useStore(rt, (s) => s.checked);
  const loaded = useStore(rt, (s) => s.loaded);
  const error = useStore(rt, (s) => s.error);
  const info = useStore(rt, (s) => (s.selected ? s.details[s.selected] : undefined));

  // Columns size to their content; wide terminals give the list what it needs (between 40% and 60%),
  // and INSTALLED appears where there is room for it. The sort column's header carries ▲/▼.
  const widest = (vals: string[], min: number, max: number) => Math.max(min, Math.min(max, Math.max(0, ...vals.map((v) => v.length))));
  const all = rt.getState().all;
  const nameNeed = widest(
    all.map((r) => r.name),
    8,
    40,
  );
  const verW = widest(
    all.map((r) => r.version),
    7,
    12,
  );
  const langW = widest(
    all.map((r) => r.language ?? '-'),
    8,
    12,
  );
  const fixed = 2 + 1 + verW + 1 + langW + 1 + 10 + 2 + 5 + 1 + 5;
  const instW = 16;
  const wide = width >= 110;
  const listWidth = wide ? Math.max(Math.floor(width * 0.4), Math.min(Math.floor(width * 0.6), fixed + nameNeed + 1 + instW)) : width;
  const showInstalled = listWidth - fixed - nameNeed >= instW + 1;
  const listHeight = wide ? height : Math.max(4, Math.min(rows.length + 3, Math.floor(height * 0.45)));
  const detailWidth = wide ? width - listWidth - 1 : width;
  const detailHeight = wide ? height : height - listHeight;

  const mark = (r: { ok: boolean } | undefined) => (r ? (r.ok ? 'ok' : 'FAIL') : '-');
  const nameW = Math.max(8, listWidth - fixed - (showInstalled ? instW + 1 : 0));
  const arrow = reverse ? (theme.unicode ? '▲' : '^') : theme.unicode ? '▼' : 'v';
  const h = (title: string, key: typeof sort) => (sort === key ? `${title}${arrow}` : title);
  const inst = (text: string) => (showInstalled ? ` ${fit(text, instW)}` : '');
  const header = `  ${fit(h('NAME', 'name'), nameW)} ${fit(h('VERSION', 'version'), verW)} ${fit(h('LANGUAGE', 'language'), langW)} ${fit(h('SIZE', 'size'), 10, '…', 'right')}  ${fit('VERIF', 5)} ${fit('CHECK', 5)}${inst(h('INSTALLED', 'installed'))}`;
  const editingLine = filterEditing || filter || installEditing ? 1 : 0;
  // a list that scrolls says which of its rows are shown ("3-9 of 14")
  const top0 = editingLine || rows.length > listHeight - 1 ? 1 : 0;
  const bodyRows = Math.max(1, listHeight - 1 - top0);
  const selIndex = Math.max(
    0,
    rows.findIndex((r) => r.name === selected),
  );
  const start = Math.max(0, Math.min(selIndex - Math.floor(bodyRows / 2), rows.length - bodyRows));

  return (
    <Box flexDirection={wide ? 'row' : 'column'} width={width} height={height}>
      <Box flexDirection="column" width={listWidth} height={listHeight}>
        {installEditing ? (
          <Text color={theme.accent}>{fit(`install from (recipe, archive or directory): ${installSource}▏`, listWidth)}</Text>
        ) : top0 ? (
          <Text color={theme.accent}>
            {fit(
              editingLine
                ? `/${filter}${filterEditing ? '▏' : ''}   ${rows.length} of ${all.length}`
                : `${start + 1}-${Math.min(rows.length, start + bodyRows)} of ${rows.length}`,
              listWidth,
            )}
          </Text>
        ) : null}
        <Text bold>{fit(`${header}`, listWidth)}</Text>
        {!loaded ? <Text color={theme.muted}>loading…</Text> : null}
        {error ? <Text color={theme.error}>{fit(error, listWidth)}</Text> : null}
        {loaded && !error && !rows.length ? (
          <Text color={theme.muted}>{fit(filter ? 'no runtime matches the filter' : 'no runtimes installed (i installs one, as root)', listWidth)}</Text>
        ) : null}
        {rows.slice(Math.max(0, start), Math.max(0, start) + bodyRows).map((r) => {
          const sel = r.name === selected;
          const v = verified[r.name];
          const c = checked[r.name];
          const line = `${sel ? theme.glyphs.selected : ' '} ${fit(r.name, nameW)} ${fit(r.version, verW)} ${fit(r.language ?? '-', langW)} ${fit(formatBytes(r.bytes), 10, '…', 'right')}  ${fit(mark(v), 5)} ${fit(mark(c), 5)}${inst(r.installedAt ? formatDate(r.installedAt) : '-')}`;
          return (
            <Text key={r.name} inverse={sel} color={r.problem ? theme.warn : v?.ok === false || c?.ok === false ? theme.error : undefined}>
              {fit(line, listWidth)}
            </Text>
          );
        })}
      </Box>
      {wide ? <Box width={1} /> : null}
      <RuntimeDetail
        width={detailWidth}
        height={detailHeight}
        name={selected}
        info={info as RuntimeInfo | { error: string } | undefined}
        verify={selected ? verified[selected] : undefined}
        check={selected ? checked[selected] : undefined}
        sortLabel={`sorted by ${sort}${reverse ? ' (reversed)' : ''}`}
      />
    </Box>
  );
}
