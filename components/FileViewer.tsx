import { Box, Text } from 'ink';
import { useStore } from 'zustand';
import { fit, wrapRows } from '../src/tui/text.js';
import { useApp } from './AppContext.js';
import type { ViewProps } from './RuntimesView.js';

/** A text file of a runtime, scrollable, with wrap and search. */
export function FileViewer({ width, height }: ViewProps) {
  const { state, theme } = useApp();
  const ins = state.inspect;
  const viewer = useStore(ins, (s) => s.viewer);
  const body = Math.max(1, height - 2);
  if (!viewer) return null;
  const w = viewer.window;
  // a large file is held a window at a time: its line numbers are not known, where in it you are is
  const numW = w ? 0 : String(viewer.lines.length).length;
  const textW = Math.max(1, width - numW - 1);
  const rows: Array<{ text: string; n: number; first: boolean }> = [];
  for (let i = viewer.top; i < viewer.lines.length && rows.length < body; i++) {
    const line = viewer.lines[i]!;
    const parts = viewer.wrap ? wrapRows(line, textW) : [line];
    for (const [j, p] of parts.entries()) rows.push({ text: p, n: i, first: j === 0 });
  }
  const pos = w
    ? `byte ${(w.offsets[viewer.top] ?? w.start).toLocaleString('en-US')} of ${w.size.toLocaleString('en-US')} (${Math.floor(((w.offsets[viewer.top] ?? w.start) * 100) / Math.max(1, w.size))}%, paged)`
    : `${Math.min(viewer.top + 1, viewer.lines.length)}-${Math.min(viewer.top + body, viewer.lines.length)}/${viewer.lines.length}`;
  const status =
    viewer.searchEditing || viewer.query
      ? `/${viewer.query}${viewer.searchEditing ? '▏' : ''}${viewer.query && !viewer.searchEditing ? (viewer.match === undefined ? ' (no match)' : ` (line ${viewer.match + 1})`) : ''}`
      : '';
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold color={theme.accent}>
        {fit(`${viewer.title}  ${pos}${viewer.wrap ? ' wrap' : ''}  (Esc closes)`, width)}
      </Text>
      <Box flexDirection="column" height={body}>
        {rows.slice(0, body).map((r, i) => (
          <Text key={i} wrap="truncate-end">
            {w ? null : <Text color={theme.muted}>{r.first ? String(r.n + 1).padStart(numW) : ' '.repeat(numW)} </Text>}
            <Text inverse={r.n === viewer.match}>{fit(r.text, textW, theme.glyphs.ellipsis)}</Text>
          </Text>
        ))}
      </Box>
      <Text color={theme.accent}>{fit(status, width)}</Text>
    </Box>
  );
}
