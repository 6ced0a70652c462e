import { useEffect } from 'react';
import { Box, Text } from 'ink';
import { useStore } from 'zustand';
import { fit, wrapRows } from '../src/tui/text.js';
import { useApp } from './AppContext.js';

export interface OutputPaneProps {
  width: number;
  height: number;
  focused: boolean;
}

/** The selected job's output: only the visible slice of the ring buffer is drawn. */
export function OutputPane({ width, height, focused }: OutputPaneProps) {
  const { state, theme } = useApp();
  const out = state.output;
  useStore(out, (s) => s.version);
  const jobId = useStore(out, (s) => s.jobId);
  const lines = useStore(out, (s) => s.lines);
  const first = useStore(out, (s) => s.first);
  const skipped = useStore(out, (s) => s.skippedBytes);
  const follow = useStore(out, (s) => s.follow);
  const top = useStore(out, (s) => s.top);
  const wrap = useStore(out, (s) => s.wrap);
  const query = useStore(out, (s) => s.query);
  const searchEditing = useStore(out, (s) => s.searchEditing);
  const match = useStore(out, (s) => s.match);
  const tail = out.getState().tail;
  const searchLine = searchEditing || query ? 1 : 0;
  const body = Math.max(1, height - 1 - searchLine);
  useEffect(() => {
    out.getState().setHeight(body);
  }, [out, body]);

  const rows: Array<{ text: string; n: number }> = [];
  if (tail) {
    if (follow) {
      // From the bottom up, until the pane is full.
      for (let i = lines - 1; i >= first && rows.length < body; i--) {
        const parts = wrap ? wrapRows(tail.line(i), width) : [tail.line(i)];
        for (let j = parts.length - 1; j >= 0 && rows.length < body; j--) rows.unshift({ text: parts[j]!, n: i });
      }
    } else {
      for (let i = Math.max(top, first); i < lines && rows.length < body; i++) {
        const parts = wrap ? wrapRows(tail.line(i), width) : [tail.line(i)];
        for (const p of parts) if (rows.length < body) rows.push({ text: p, n: i });
      }
    }
  }
  const shownFrom = rows[0] ? rows[0].n + 1 : 0;
  const shownTo = rows.length ? rows[rows.length - 1]!.n + 1 : 0;
  const title = jobId
    ? `Output ${jobId} · ${follow ? 'following' : `${shownFrom}-${shownTo}`}${wrap ? ' · wrap' : ''} · ${lines.toLocaleString('en-US')} lines${skipped ? ` (${Math.round(skipped / 1048576)} MiB skipped)` : ''}${first > 0 ? ` · last ${(lines - first).toLocaleString('en-US')} kept` : ''}`
    : 'Output';
  const rule = theme.glyphs.rule;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold={focused} color={focused ? theme.accent : theme.muted}>
        {fit(`${rule}${rule} ${title} `.padEnd(width, rule), width)}
      </Text>
      {!jobId ? <Text color={theme.muted}>no job selected</Text> : null}
      {jobId && !lines ? <Text color={theme.muted}>(no output yet)</Text> : null}
      {rows.map((r, i) => (
        <Text key={i} inverse={match === r.n}>
          {wrap ? r.text : fit(r.text, width, theme.glyphs.ellipsis)}
        </Text>
      ))}
      {searchLine ? (
        <Box flexGrow={1} alignItems="flex-end">
          <Text color={theme.accent}>
            {fit(
              `/${query}${searchEditing ? '▏' : ''}${!searchEditing && query ? (match === undefined ? '  no match in the kept lines' : `  line ${match + 1} (n/N)`) : ''}`,
              width,
            )}
          </Text>
        </Box>
      ) : null}
    </Box>
  );
}
