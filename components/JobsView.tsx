import { Box, Text } from 'ink';
import { useStore } from 'zustand';
import { jobDurationMs } from '../src/jobs/types.js';
import { jobsListRows } from '../src/tui/layout.js';
import { jobColor } from '../src/tui/theme.js';
import { exitText } from '../src/jobs/describe.js';
import { fit, formatDuration } from '../src/tui/text.js';
import { useApp } from './AppContext.js';
import { DescribePane } from './DescribePane.js';
import { OutputPane } from './OutputPane.js';
import type { ViewProps } from './RuntimesView.js';
import { UsagePane } from './UsagePane.js';
import { formatCommand } from '../src/util/format.js';

/** Jobs: the list, and the Output and Usage panes of the selected job (keys: focus.ts). */
export function JobsView({ width, height }: ViewProps) {
  const { state, theme } = useApp();
  const js = state.jobs;
  const rows = useStore(js, (s) => s.visible());
  const all = useStore(js, (s) => s.jobs.length);
  const selected = useStore(js, (s) => s.selected);
  const filter = useStore(js, (s) => s.filter);
  const filterEditing = useStore(js, (s) => s.filterEditing);
  const focus = useStore(js, (s) => s.focus);
  const zoom = useStore(js, (s) => s.zoom);
  const sort = useStore(js, (s) => s.sort);
  const reverse = useStore(js, (s) => s.reverse);
  const stopping = useStore(js, (s) => s.stopping);
  const error = useStore(js, (s) => s.error);
  const now = useStore(js, (s) => s.clock);
  const marked = useStore(js, (s) => s.marked);
  const describing = useStore(js, (s) => s.describing);
  const allUsers = useStore(js, (s) => s.allUsers);
  const markCount = Object.keys(marked).length;
  const job = rows.find((j) => j.id === selected) ?? js.getState().selectedJob();
  const listRows = jobsListRows(height, rows.length);

  const wide = width >= 120;
  const filterLine = filterEditing || filter ? 1 : 0;
  const listH = zoom ? 0 : listRows + filterLine;
  const restH = height - listH;
  const usageW = wide ? Math.min(60, Math.floor(width * 0.38)) : width;
  const usageH = zoom ? 0 : wide ? restH : Math.min(6, Math.max(3, Math.floor(restH * 0.35)));
  const outW = wide && !zoom ? width - usageW - 1 : width;
  const outH = wide || zoom ? restH : restH - usageH;

  // Columns size to their content (within bounds) and the terminal; the command takes what is left.
  const widest = (vals: string[], min: number, max: number) => Math.max(min, Math.min(max, Math.max(0, ...vals.map((v) => v.length))));
  const idW = widest(
    rows.map((j) => j.name ?? j.id),
    12,
    Math.max(12, Math.floor(width * 0.2)),
  );
  const stateW = widest(
    rows.map((j) => (stopping[j.id] ? 'stopping' : j.state)),
    6,
    9,
  );
  const rtW = widest(
    rows.map((j) => j.runtime),
    8,
    Math.max(8, Math.floor(width * 0.22)),
  );
  const durW = 7;
  const exitW = widest(
    rows.map((j) => exitText(j)),
    4,
    7,
  );
  const userW = allUsers
    ? widest(
        rows.map((j) => j.user ?? String(j.uid)),
        4,
        12,
      )
    : 0;
  const cmdW = Math.max(8, width - idW - stateW - rtW - durW - exitW - 7 - (allUsers ? userW + 1 : 0));
  const userCol = (s: string) => (allUsers ? `${fit(s, userW)} ` : '');
  const arrow = reverse ? (theme.unicode ? '▲' : '^') : theme.unicode ? '▼' : 'v';
  const head = (name: string, key: typeof sort) => (sort === key ? `${name}${arrow}` : name);
  const extras = [markCount ? `${markCount} marked` : '', allUsers ? 'all users' : ''].filter(Boolean).join(' · ');
  const bodyRows = listRows - 1;
  const selIndex = Math.max(
    0,
    rows.findIndex((j) => j.id === selected),
  );
  const start = Math.max(0, Math.min(selIndex - Math.floor(bodyRows / 2), rows.length - bodyRows));
  return (
    <Box flexDirection="column" width={width} height={height}>
      {zoom ? null : (
        <Box flexDirection="column" height={listH}>
          {filterLine ? <Text color={theme.accent}>{fit(`/${filter}${filterEditing ? '▏' : ''}   ${rows.length} of ${all}`, width)}</Text> : null}
          <Text bold color={focus === 'list' ? undefined : theme.muted}>
            {fit(
              ` ${fit(head('JOB', 'created'), idW)} ${userCol('USER')}${fit(head('STATE', 'state'), stateW)} ${fit(head('RUNTIME', 'runtime'), rtW)} ${fit(`COMMAND${extras ? `  (${extras})` : ''}${rows.length > bodyRows ? `  ${start + 1}-${Math.min(rows.length, start + bodyRows)} of ${rows.length}` : ''}`, cmdW)} ${fit(head('TIME', 'duration'), durW, '…', 'right')} ${fit('EXIT', exitW, '…', 'right')}`,
              width,
            )}
          </Text>
          {error ? <Text color={theme.error}>{fit(error, width)}</Text> : null}
          {!rows.length && !error ? (
            <Text color={theme.muted}>{fit(filter ? ' no job matches the filter' : ' no jobs yet (3 opens the Launch form)', width)}</Text>
          ) : null}
          {rows.slice(start, start + bodyRows).map((j) => {
            const sel = j.id === selected;
            const st = stopping[j.id] ? 'stopping' : j.state;
            const mark = marked[j.id] ? '*' : sel ? theme.glyphs.selected : ' ';
            const line = `${mark}${fit(j.name ? `${j.name}` : j.id, idW)} ${userCol(j.user ?? String(j.uid))}${fit(st, stateW)} ${fit(j.runtime, rtW)} ${fit(formatCommand(j.command), cmdW)} ${fit(formatDuration(jobDurationMs(j, now)), durW, '…', 'right')} ${fit(j.state === 'running' ? '' : exitText(j), exitW, '…', 'right')}`;
            return (
              <Text key={j.id} inverse={sel && focus === 'list'} bold={sel} color={jobColor(theme, j)}>
                {fit(line, width)}
              </Text>
            );
          })}
        </Box>
      )}
      {describing ? (
        // the description takes the room of both panes: it is longer than the usage pane is useful
        <DescribePane width={width} height={restH} />
      ) : (
        <Box flexDirection={wide && !zoom ? 'row' : 'column'} height={restH}>
          <OutputPane width={outW} height={outH} focused={focus === 'output'} />
          {wide && !zoom ? <Box width={1} /> : null}
          {zoom ? null : <UsagePane width={usageW} height={usageH} job={job} />}
        </Box>
      )}
    </Box>
  );
}
