import { Box, Text } from 'ink';
import { useStore } from 'zustand';
import { describeText } from '../src/jobs/describe.js';
import { fit, wrapRows } from '../src/tui/text.js';
import { useApp } from './AppContext.js';

/** The selected job described: the lines `rnx job status` prints (src/jobs/describe.ts), wrapped to the pane. */
export function DescribePane({ width, height }: { width: number; height: number }) {
  const { state, theme } = useApp();
  const d = useStore(state.jobs, (s) => s.description);
  const id = useStore(state.jobs, (s) => s.selected);
  const rule = theme.glyphs.rule;
  const rows = d ? describeText(d).flatMap((l) => wrapRows(l, width)) : [];
  const body = Math.max(0, height - 1);
  const cut = rows.length > body;
  const shown = cut ? [...rows.slice(0, Math.max(0, body - 1)), `${theme.glyphs.ellipsis} ${rows.length - body + 1} more lines (z: zoom)`] : rows;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold color={theme.accent}>
        {fit(`${rule}${rule} Describe ${id ?? ''} · i or Esc: back to the output `.padEnd(width, rule), width)}
      </Text>
      {!d ? <Text color={theme.muted}>no job selected</Text> : null}
      {shown.map((r, i) => (
        <Text key={i}>{fit(r, width, theme.glyphs.ellipsis)}</Text>
      ))}
    </Box>
  );
}
