import { useCallback, useEffect, useMemo, useRef } from 'react';
import { Box, Text, useInput } from 'ink';
import { useStore } from 'zustand';
import type { AppState } from '../src/state/app.js';
import type { View } from '../src/state/ui-store.js';
import { dispatchInput } from '../src/tui/dispatch.js';
import { createFocus } from '../src/tui/focus.js';
import { helpTopic } from '../src/tui/help.js';
import type { KeyLike } from '../src/tui/keybindings.js';
import type { Theme } from '../src/tui/theme.js';
import { fit } from '../src/tui/text.js';
import { AppContext, useTerminalSize, type Size } from './AppContext.js';
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
  const viewerOpen = useStore(state.inspect, (s) => s.viewer !== undefined);
  const jobFocus = useStore(state.jobs, (s) => s.focus);
  const selectedRuntime = useStore(state.runtimes, (s) => s.selected);
  const inspected = useStore(state.inspect, (s) => s.runtime);
  const selectedJob = useStore(state.jobs, (s) => s.selected);
  const describing = useStore(state.jobs, (s) => s.describing);
  const command = useStore(state.ui, (s) => s.command);
  // Re-render when a text field starts or stops editing, for the status bar's hint.
  useStore(state.runtimes, (s) => s.filterEditing || s.installEditing);
  useStore(state.jobs, (s) => s.filterEditing);
  useStore(state.output, (s) => s.searchEditing);
  useStore(state.inspect, (s) => s.findEditing || s.viewer?.searchEditing === true);
  const readonly = state.deps.readonly;

  // The one input handler of the app: every key press goes to the top of the focus stack.
  const quit = useRef(onQuit);
  quit.current = onQuit;
  const focus = useMemo(() => createFocus(state, { quit: () => quit.current() }), [state]);
  const onInput = useCallback(
    (input: string, key: KeyLike) => void dispatchInput(focus.stack, input, key, { readonly: state.deps.readonly, isRoot: state.deps.isRoot }),
    [focus, state],
  );
  useInput(onInput);

  // Messages fade after a while.
  const message = useStore(state.ui, (s) => s.message);
  useEffect(() => {
    if (!message) return;
    const t = setTimeout(() => {
      if (state.ui.getState().message === message) state.ui.getState().clearMessage();
    }, 8000);
    return () => clearTimeout(t);
  }, [message, state.ui]);

  const width = Math.max(20, size.columns);
  const height = Math.max(6, size.rows - 1);
  const showHeader = height >= 12;
  const contentH = height - 1 - (showHeader ? 1 : 0);
  useEffect(() => state.ui.getState().setContentRows(contentH), [state, contentH]);
  const where =
    view === 'inspect'
      ? `Inspect ${inspected ?? ''}${viewerOpen ? ' › file' : ''}`
      : view === 'jobs'
        ? `Jobs${selectedJob ? ` › ${selectedJob}` : ''}${describing ? ' › describe' : jobFocus === 'output' ? ' › output' : ''}`
        : view === 'launch'
          ? 'Launch'
          : `Runtimes${selectedRuntime ? ` › ${selectedRuntime}` : ''}`;
  const editingHint = command !== undefined ? undefined : state.editing() && view !== 'launch' ? 'Enter: done  Esc: clear' : undefined;
  // The view layer now: the app re-renders on every store change that moves it (subscribed above).
  const scopes = focus.viewScopes();

  let body;
  if (help) body = <HelpOverlay {...helpTopic(state)} width={width} height={contentH} />;
  else if (view === 'inspect') body = <InspectView width={width} height={contentH} />;
  else if (view === 'jobs') body = <JobsView width={width} height={contentH} />;
  else if (view === 'launch') body = <LaunchForm width={width} height={contentH} />;
  else body = <RuntimesView width={width} height={contentH} />;

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
