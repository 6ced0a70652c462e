import { useEffect } from 'react';
import { Box, Text } from 'ink';
import { useStore } from 'zustand';
import { fileKind, resolveInTree } from '../src/state/tree-model.js';
import { formatBytes } from '../src/util/format.js';
import { fit } from '../src/tui/text.js';
import { useApp } from './AppContext.js';
import { FileViewer } from './FileViewer.js';
import type { ViewProps } from './RuntimesView.js';

/** A runtime's isolated/ tree from its manifest: expand, collapse, find, and open text files (keys: focus.ts). */
export function InspectView({ width, height }: ViewProps) {
  const { state, theme } = useApp();
  const ins = state.inspect;
  const runtime = useStore(ins, (s) => s.runtime);
  const tree = useStore(ins, (s) => s.tree);
  const rows = useStore(ins, (s) => s.rows);
  const cursor = useStore(ins, (s) => s.cursor);
  const top = useStore(ins, (s) => s.top);
  const expanded = useStore(ins, (s) => s.expanded);
  const loading = useStore(ins, (s) => s.loading);
  const error = useStore(ins, (s) => s.error);
  const query = useStore(ins, (s) => s.query);
  const findEditing = useStore(ins, (s) => s.findEditing);
  const matches = useStore(ins, (s) => s.matches);
  const matchIndex = useStore(ins, (s) => s.matchIndex);
  const viewerOpen = useStore(ins, (s) => s.viewer !== undefined);

  const findLine = findEditing || query ? 1 : 0;
  const bodyRows = Math.max(1, height - 3 - findLine);
  useEffect(() => {
    ins.getState().setHeight(viewerOpen ? height - 2 : bodyRows);
  }, [ins, bodyRows, viewerOpen, height]);

  if (viewerOpen) return <FileViewer width={width} height={height} />;

  const sel = rows[cursor];
  let detail = '';
  if (sel && tree) {
    const n = sel.node;
    detail = `/${n.path}  ${fileKind(n)}`;
    if (n.type === 'dir') detail += `  ${formatBytes(n.total)} in ${n.files} files`;
    else detail += `  ${formatBytes(n.size)}  mode ${(n.mode & 0o7777).toString(8)}`;
    if (n.type === 'symlink') {
      const r = resolveInTree(tree, n.path);
      detail += `  ${theme.glyphs.link} ${n.target}  ` + (r.ok ? `(the job sees ${r.path}, ${fileKind(r.node)})` : `(${r.reason})`);
    }
  }
  const sizeW = 9;
  const nameW = Math.max(10, width - sizeW - 7);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold color={theme.accent}>
        {fit(`Inspect ${runtime ?? ''}${tree ? ` · ${formatBytes(tree.root.total)} in ${tree.root.files} files` : ''}  (Esc back)`, width)}
      </Text>
      {findLine ? (
        <Text color={theme.accent}>
          {fit(`find: ${query}${findEditing ? '▏' : ''}   ${matches.length ? `${matchIndex + 1}/${matches.length}` : query ? 'no match' : ''}`, width)}
        </Text>
      ) : null}
      {loading ? <Text color={theme.muted}>reading the manifest…</Text> : null}
      {error ? <Text color={theme.error}>{fit(error, width)}</Text> : null}
      <Box flexDirection="column" height={bodyRows}>
        {rows.slice(top, top + bodyRows).map((r, i) => {
          const n = r.node;
          const isSel = top + i === cursor;
          const glyph = n.type === 'dir' ? (expanded.has(n.path) ? theme.glyphs.expanded : theme.glyphs.collapsed) : ' ';
          const suffix = n.type === 'symlink' ? ` ${theme.glyphs.link} ${n.target}` : n.type === 'dir' ? '/' : '';
          const name = `${'  '.repeat(r.depth)}${glyph} ${n.name}${suffix}`;
          const size = n.type === 'dir' ? formatBytes(n.total) : n.type === 'symlink' ? '' : formatBytes(n.size);
          const kind = fileKind(n);
          const isMatch = query !== '' && n.name.toLowerCase().includes(query.toLowerCase());
          const color = isMatch ? theme.match : kind === 'dir' ? theme.accent : kind === 'link' ? theme.muted : kind === 'exec' ? theme.ok : undefined;
          return (
            <Text key={n.path} inverse={isSel} color={color}>
              {fit(`${fit(name, nameW)} ${fit(size, sizeW, '…', 'right')} ${fit(kind, 4)}`, width)}
            </Text>
          );
        })}
      </Box>
      <Text color={theme.muted}>{fit(`${theme.glyphs.rule.repeat(width)}`, width)}</Text>
      <Text>{fit(detail, width)}</Text>
    </Box>
  );
}
