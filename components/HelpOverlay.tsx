import { Box, Text } from 'ink';
import { useStore } from 'zustand';
import { bindingsFor, keysLabel, type Scope } from '../src/tui/keybindings.js';
import { fit } from '../src/tui/text.js';
import { useApp, useKeys } from './AppContext.js';

export interface HelpOverlayProps {
  title: string;
  scopes: Scope[];
  width: number;
  height: number;
}

const SCOPE_TITLES: Record<Scope, string> = {
  global: 'Everywhere',
  runtimes: 'Runtimes',
  inspect: 'Inspect (tree)',
  viewer: 'File viewer',
  jobs: 'Jobs list',
  output: 'Output pane',
  launch: 'Launch form',
  confirm: 'Confirmation',
  help: 'Help',
};

/** The keys of the current view, generated from the keybinding table. */
export function HelpOverlay({ title, scopes, width, height }: HelpOverlayProps) {
  const { state, theme } = useApp();
  const top = useStore(state.ui, (s) => s.helpTop);
  const opts = { readonly: state.deps.readonly, isRoot: state.deps.isRoot };
  const lines: Array<{ text: string; head?: boolean }> = [];
  for (const scope of scopes) {
    const list = bindingsFor([scope], opts);
    if (!list.length) continue;
    if (lines.length) lines.push({ text: '' });
    lines.push({ text: SCOPE_TITLES[scope], head: true });
    for (const b of list) lines.push({ text: `  ${fit(keysLabel(b, !theme.unicode), 22)} ${b.description}` });
  }
  if (state.deps.readonly) lines.push({ text: '' }, { text: 'read-only: actions that change something are hidden' });
  const body = Math.max(1, height - 2);
  const maxTop = Math.max(0, lines.length - body);
  const start = Math.min(top, maxTop);
  useKeys('help', {
    'help.close': () => state.ui.getState().toggleHelp(false),
    'text.down': () => state.ui.getState().scrollHelp(top >= maxTop ? 0 : 1),
    'text.up': () => state.ui.getState().scrollHelp(-1),
    'list.pageDown': () => state.ui.getState().scrollHelp(Math.min(body, maxTop - start)),
    'list.pageUp': () => state.ui.getState().scrollHelp(-body),
  });
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold color={theme.accent}>
        {fit(`Help: ${title}  (Esc closes${maxTop ? ', ↑/↓ scroll' : ''})`, width)}
      </Text>
      {lines.slice(start, start + body).map((l, i) => (
        <Text key={i} bold={l.head === true} color={l.head ? theme.accent : undefined}>
          {fit(l.text, width)}
        </Text>
      ))}
    </Box>
  );
}
