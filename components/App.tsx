import { useEffect, useRef } from 'react';
import { Box, Text, useInput } from 'ink';
import { useStore } from 'zustand';
import type { AppState } from '../src/state/app.js';
import type { View } from '../src/state/ui-store.js';
import { commandFor, keyName, type Scope } from '../src/tui/keybindings.js';
import type { Theme } from '../src/tui/theme.js';
import { fit } from '../src/tui/text.js';
import { AppContext, splitKeys, useTerminalSize, type Size } from './AppContext.js';
import { HelpOverlay } from './HelpOverlay.js';
import { InspectView } from './InspectView.js';
import { JobsView } from './JobsView.js';
import { LaunchForm } from './LaunchForm.js';
import { RuntimesView } from './RuntimesView.js';
import { StatusBar } from './StatusBar.js';

export interface AppProps {
  state: AppState;
  theme: Theme;
  /** Fixed size (tests); otherwise the terminal's, following resizes. */
  size?: Size;
  onQuit: () => void;
}

const VIEWS: Array<{ view: View; key: string; title: string }> = [
  { view: 'runtimes', key: '1', title: 'Runtimes' },
  { view: 'jobs', key: '2', title: 'Jobs' },
  { view: 'launch', key: '3', title: 'Launch' },
];

export function App(props: AppProps) {
  return (
    <AppContext.Provider value={{ state: props.state, theme: props.theme }}>
      <Shell {...props} />
    </AppContext.Provider>
  );
}

function Shell({ state, theme, size: fixed, onQuit }: AppProps) {
  const size = useTerminalSize(fixed);
  const view = useStore(state.ui, (s) => s.view);
  const help = useStore(state.ui, (s) => s.help);
  const confirm = useStore(state.ui, (s) => s.confirm);
  const viewerOpen = useStore(state.inspect, (s) => s.viewer !== undefined);
  const jobFocus = useStore(state.jobs, (s) => s.focus);
  const selectedRuntime = useStore(state.runtimes, (s) => s.selected);
  const inspected = useStore(state.inspect, (s) => s.runtime);
  const selectedJob = useStore(state.jobs, (s) => s.selected);
  // Re-render when a text field starts or stops editing, so global keys switch off and on.
  useStore(state.runtimes, (s) => s.filterEditing || s.installEditing);
  useStore(state.jobs, (s) => s.filterEditing);
  useStore(state.output, (s) => s.searchEditing);
  useStore(state.inspect, (s) => s.findEditing || s.viewer?.searchEditing === true);
  const previous = useRef<View>('runtimes');
  const readonly = state.deps.readonly;
  const opts = { readonly, isRoot: state.deps.isRoot };

  const scopes: Scope[] =
    view === 'launch' ? ['launch'] : view === 'inspect' ? ['global', viewerOpen ? 'viewer' : 'inspect'] : view === 'jobs' ? ['global', jobFocus === 'output' ? 'output' : 'jobs'] : ['global', 'runtimes'];

  const go = (next: View) => {
    if (next === 'launch') {
      if (readonly) return;
      const s = state.launch.getState();
      if (view === 'runtimes' && selectedRuntime) s.prefill({ runtime: selectedRuntime });
    }
    if (view !== 'launch') previous.current = view;
    state.ui.getState().setView(next);
  };
  const cycle = (dir: 1 | -1) => {
    if (view === 'jobs' && dir === 1 && jobFocus === 'list') return state.jobs.getState().setFocus('output');
    if (view === 'jobs' && dir === -1 && jobFocus === 'output') return state.jobs.getState().setFocus('list');
    const order = VIEWS.filter((v) => !(readonly && v.view === 'launch')).map((v) => v.view);
    const i = Math.max(0, order.indexOf(view === 'inspect' ? 'runtimes' : view));
    const next = order[(i + dir + order.length) % order.length]!;
    if (next === 'jobs') state.jobs.getState().setFocus(dir === 1 ? 'list' : 'output');
    go(next);
  };

  const overlay = help || confirm !== undefined;
  useInput((input, key) => {
    for (const k of splitKeys(input, key)) onKey(k, key);
  });
  const onKey = (input: string, key: Parameters<typeof keyName>[1]) => {
    const name = keyName(input, key);
    if (name === 'ctrl-c') return onQuit();
    const ui = state.ui.getState();
    if (ui.confirm) {
      const id = commandFor('confirm', name, opts);
      if (id === 'confirm.yes') state.ui.getState().answer(true);
      else if (id === 'confirm.no') state.ui.getState().answer(false);
      return;
    }
    if (ui.help || state.editing()) return;
    const id = commandFor('global', name, opts);
    switch (id) {
      case 'app.quit':
        return onQuit();
      case 'app.help':
        return state.ui.getState().toggleHelp(true);
      case 'app.view.runtimes':
        return go('runtimes');
      case 'app.view.jobs':
        return go('jobs');
      case 'app.view.launch':
        return go('launch');
      case 'app.view.next':
        return cycle(1);
      case 'app.view.prev':
        return cycle(-1);
    }
  };

  // Messages fade after a while.
  const message = useStore(state.ui, (s) => s.message);
  useEffect(() => {
    if (!message) return;
    const t = setTimeout(() => {
      if (state.ui.getState().message === message) state.ui.getState().clearMessage();
    }, 8000);
    return () => clearTimeout(t);
  }, [message]);

  const width = Math.max(20, size.columns);
  const height = Math.max(6, size.rows - 1);
  const showHeader = height >= 12;
  const contentH = height - 1 - (showHeader ? 1 : 0);
  const active = !overlay;
  const where =
    view === 'inspect'
      ? `Inspect ${inspected ?? ''}${viewerOpen ? ' › file' : ''}`
      : view === 'jobs'
        ? `Jobs${selectedJob ? ` › ${selectedJob}` : ''}${jobFocus === 'output' ? ' › output' : ''}`
        : view === 'launch'
          ? 'Launch'
          : `Runtimes${selectedRuntime ? ` › ${selectedRuntime}` : ''}`;
  const helpTitle = view === 'inspect' ? (viewerOpen ? 'File viewer' : 'Inspect') : view === 'jobs' ? (jobFocus === 'output' ? 'Jobs, output pane' : 'Jobs') : view === 'launch' ? 'Launch' : 'Runtimes';
  const helpScopes: Scope[] = view === 'jobs' ? ['global', jobFocus === 'output' ? 'output' : 'jobs', jobFocus === 'output' ? 'jobs' : 'output'] : scopes;
  const editingHint = state.editing() && view !== 'launch' ? 'Enter: done  Esc: clear' : undefined;

  let body;
  if (help) body = <HelpOverlay title={helpTitle} scopes={helpScopes} width={width} height={contentH} />;
  else if (view === 'inspect') body = <InspectView width={width} height={contentH} active={active} />;
  else if (view === 'jobs') body = <JobsView width={width} height={contentH} active={active} />;
  else if (view === 'launch') body = <LaunchForm width={width} height={contentH} active={active} onLeave={() => state.ui.getState().setView(previous.current)} />;
  else body = <RuntimesView width={width} height={contentH} active={active} />;

  return (
    <Box flexDirection="column" width={width} height={height}>
      {showHeader ? <Header width={width} view={view} theme={theme} readonly={readonly} root={state.deps.root} /> : null}
      <Box height={contentH} flexDirection="column">
        {body}
      </Box>
      <StatusBar width={width} where={where} scopes={help ? ['help'] : scopes} editingHint={editingHint} />
    </Box>
  );
}

function Header({ width, view, theme, readonly, root }: { width: number; view: View; theme: Theme; readonly: boolean; root: string }) {
  const current = view === 'inspect' ? 'runtimes' : view;
  const right = `${readonly ? 'READ-ONLY  ' : ''}${root}`;
  const tabs = VIEWS.filter((v) => !(readonly && v.view === 'launch'));
  const used = 4 + tabs.reduce((n, t) => n + t.title.length + 5, 0);
  return (
    <Box width={width}>
      <Text bold color={theme.accent}>
        {' rnx '}
      </Text>
      {tabs.map((t) => (
        <Text key={t.view} inverse={t.view === current} bold={t.view === current}>
          {` ${t.key} ${t.title} `}
        </Text>
      ))}
      <Text color={readonly ? theme.warn : theme.muted}>{fit(right, Math.max(0, width - used - 1), '…', 'right')}</Text>
    </Box>
  );
}
