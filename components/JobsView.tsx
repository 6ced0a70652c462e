import { Box, Text } from 'ink';
import { useStore } from 'zustand';
import { FINAL_STATES, jobDurationMs } from '../src/jobs/types.js';
import { editLine } from '../src/state/line-edit.js';
import type { KeyLike } from '../src/tui/keybindings.js';
import { valuesFromJob } from '../src/state/launch-store.js';
import { stateColor } from '../src/tui/theme.js';
import { fit, formatDuration } from '../src/tui/text.js';
import { useApp, useViewInput, type Handlers } from './AppContext.js';
import { OutputPane } from './OutputPane.js';
import type { ViewProps } from './RuntimesView.js';
import { UsagePane } from './UsagePane.js';
import { formatCommand } from '../src/util/format.js';

/** Jobs: the list, and the Output and Usage panes of the selected job. */
export function JobsView({ width, height, active }: ViewProps) {
  const { state, theme } = useApp();
  const js = state.jobs;
  const out = state.output;
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
  const searchEditing = useStore(out, (s) => s.searchEditing);
  const job = rows.find((j) => j.id === selected) ?? js.getState().selectedJob();
  const ui = state.ui.getState();

  const onEdit = (input: string, key: KeyLike) => {
      if (!js.getState().filterEditing && !out.getState().searchEditing) return;
      if (js.getState().filterEditing) {
        const s = js.getState();
        const r = editLine(s.filter, input, key);
        if (r.kind === 'edit') s.setFilter(r.value, true);
        else if (r.kind === 'submit') s.setFilter(s.filter, false);
        else if (r.kind === 'cancel') s.setFilter('', false);
        return;
      }
      const o = out.getState();
      const r = editLine(o.query, input, key);
      if (r.kind === 'edit') o.setQuery(r.value, true);
      else if (r.kind === 'submit') o.setQuery(o.query, false);
      else if (r.kind === 'cancel') o.setQuery('', false);
  };

  const askStop = () => {
    const j = js.getState().selectedJob();
    if (!j || FINAL_STATES.has(j.state)) return ui.say('the job is not running', 'warn');
    ui.ask(`Stop job ${j.id} (${formatCommand(j.command).slice(0, 40)})? SIGTERM, then SIGKILL after 5s.`, () => js.getState().stop(j.id));
  };
  const listRows = Math.max(3, Math.min(rows.length + 1, Math.floor(height * 0.3)));
  const jobsHandlers: Handlers = {
      'list.up': () => js.getState().move(-1),
      'list.down': () => js.getState().move(1),
      'list.pageUp': () => js.getState().move(-(listRows - 1)),
      'list.pageDown': () => js.getState().move(listRows - 1),
      'list.top': () => js.getState().moveTo('top'),
      'list.bottom': () => js.getState().moveTo('bottom'),
      'list.filter': () => js.getState().setFilter(js.getState().filter, true),
      'list.back': () => js.getState().setFilter('', false),
      'list.sort': () => js.getState().cycleSort(),
      'list.reverse': () => js.getState().toggleReverse(),
      'jobs.output': () => js.getState().setFocus('output'),
      'output.zoom': () => js.getState().toggleZoom(),
      'jobs.stop': askStop,
      'jobs.remove': () => {
        const j = js.getState().selectedJob();
        if (!j) return;
        if (!FINAL_STATES.has(j.state)) return ui.say('the job is still running; stop it first (S)', 'warn');
        ui.ask(`Remove job ${j.id} and its output?`, () => js.getState().remove(j.id));
      },
      'jobs.rerun': () => {
        const j = js.getState().selectedJob();
        if (!j) return;
        state.launch.getState().prefill(valuesFromJob(j));
        ui.setView('launch');
      },
  };
  const outputHandlers: Handlers = {
      'text.up': () => out.getState().scroll(-1),
      'text.down': () => out.getState().scroll(1),
      'list.pageUp': () => out.getState().page(-1),
      'list.pageDown': () => out.getState().page(1),
      'list.top': () => out.getState().toTop(),
      'output.end': () => out.getState().toEnd(),
      'text.wrap': () => out.getState().toggleWrap(),
      'text.search': () => out.getState().setQuery('', true),
      'inspect.next': () => out.getState().next(-1),
      'inspect.prev': () => out.getState().next(1),
      'output.zoom': () => js.getState().toggleZoom(),
      'jobs.stop': askStop,
      'list.back': () => (out.getState().query ? out.getState().setQuery('', false) : js.getState().setFocus('list')),
  };

  useViewInput({
    scope: () => (js.getState().focus === 'output' ? 'output' : 'jobs'),
    active,
    editing: () => js.getState().filterEditing || out.getState().searchEditing,
    onEdit,
    // Which pane has the focus is read at each key: Enter in a burst moves it to the output pane.
    handlers: Object.fromEntries(
      [...new Set([...Object.keys(jobsHandlers), ...Object.keys(outputHandlers)])].map((id) => [
        id,
        () => (js.getState().focus === 'output' ? outputHandlers : jobsHandlers)[id]?.(),
      ]),
    ),
  });

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
  const selIndex = Math.max(0, rows.findIndex((j) => j.id === selected));
  const start = Math.max(0, Math.min(selIndex - Math.floor(bodyRows / 2), rows.length - bodyRows));
  return (
    <Box flexDirection="column" width={width} height={height}>
      {zoom ? null : (
        <Box flexDirection="column" height={listH}>
          {filterLine ? <Text color={theme.accent}>{fit(`/${filter}${filterEditing ? '▏' : ''}   ${rows.length} of ${all}`, width)}</Text> : null}
          <Text bold color={focus === 'list' ? undefined : theme.muted}>
            {fit(` ${fit('JOB', idW)} ${fit('STATE', stateW)} ${fit('RUNTIME', rtW)} ${fit('COMMAND', cmdW)} ${fit('TIME', durW, '…', 'right')} ${fit('EXIT', exitW, '…', 'right')}${sort !== 'created' ? `  by ${sort}` : ''}`, width)}
          </Text>
          {error ? <Text color={theme.error}>{fit(error, width)}</Text> : null}
          {!rows.length && !error ? <Text color={theme.muted}>{fit(filter ? ' no job matches the filter' : ' no jobs yet (3 opens the Launch form)', width)}</Text> : null}
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
