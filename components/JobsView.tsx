import { Box, Text } from 'ink';
import { useStore } from 'zustand';
import { jobDurationMs } from '../src/jobs/types.js';
import { jobsListRows } from '../src/tui/layout.js';
import { stateColor } from '../src/tui/theme.js';
import { fit, formatDuration } from '../src/tui/text.js';
import { useApp } from './AppContext.js';
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
  const stopping = useStore(js, (s) => s.stopping);
  const error = useStore(js, (s) => s.error);
  const now = useStore(js, (s) => s.clock);
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

  const idW = 12;
  const stateW = 9;
  const rtW = Math.min(18, Math.max(8, Math.floor(width * 0.16)));
  const durW = 7;
  const exitW = 4;
  const cmdW = Math.max(8, width - idW - stateW - rtW - durW - exitW - 7);
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
              ` ${fit('JOB', idW)} ${fit('STATE', stateW)} ${fit('RUNTIME', rtW)} ${fit('COMMAND', cmdW)} ${fit('TIME', durW, '…', 'right')} ${fit('EXIT', exitW, '…', 'right')}${sort !== 'created' ? `  by ${sort}` : ''}`,
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
            const line = `${sel ? theme.glyphs.selected : ' '}${fit(j.name ? `${j.name}` : j.id, idW)} ${fit(st, stateW)} ${fit(j.runtime, rtW)} ${fit(formatCommand(j.command), cmdW)} ${fit(formatDuration(jobDurationMs(j, now)), durW, '…', 'right')} ${fit(j.exitCode !== undefined ? String(j.exitCode) : '', exitW, '…', 'right')}`;
            return (
              <Text key={j.id} inverse={sel && focus === 'list'} bold={sel} color={stateColor(theme, j.state)}>
                {fit(line, width)}
              </Text>
            );
          })}
        </Box>
      )}
      <Box flexDirection={wide && !zoom ? 'row' : 'column'} height={restH}>
        <OutputPane width={outW} height={outH} focused={focus === 'output'} />
        {wide && !zoom ? <Box width={1} /> : null}
        {zoom ? null : <UsagePane width={usageW} height={usageH} job={job} />}
      </Box>
    </Box>
  );
}
