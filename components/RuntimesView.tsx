import { Box, Text } from 'ink';
import { useStore } from 'zustand';
import type { RuntimeInfo } from '../src/runtimes/store.js';
import { formatBytes } from '../src/util/format.js';
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

  const wide = width >= 110;
  const listWidth = wide ? Math.floor(width * 0.5) : width;
  const listHeight = wide ? height : Math.max(4, Math.min(rows.length + 3, Math.floor(height * 0.45)));
  const detailWidth = wide ? width - listWidth - 1 : width;
  const detailHeight = wide ? height : height - listHeight;

  const mark = (r: { ok: boolean } | undefined) => (r ? (r.ok ? 'ok' : 'FAIL') : '-');
  const nameW = Math.max(8, listWidth - 2 - 10 - 9 - 11 - 6 - 6 - 6);
  const header = `  ${fit('NAME', nameW)} ${fit('VERSION', 9)} ${fit('LANGUAGE', 8)} ${fit('SIZE', 10, '…', 'right')}  ${fit('VERIF', 5)} ${fit('CHECK', 5)}`;
  const top0 = filterEditing || filter || installEditing ? 1 : 0;
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
          <Text color={theme.accent}>{fit(`/${filter}${filterEditing ? '▏' : ''}   ${rows.length} of ${rt.getState().all.length}`, listWidth)}</Text>
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
          const line = `${sel ? theme.glyphs.selected : ' '} ${fit(r.name, nameW)} ${fit(r.version, 9)} ${fit(r.language ?? '-', 8)} ${fit(formatBytes(r.bytes), 10, '…', 'right')}  ${fit(mark(v), 5)} ${fit(mark(c), 5)}`;
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
