import { Box, Text } from 'ink';
import { useStore } from 'zustand';
import { helpBodyRows, helpLines } from '../src/tui/help.js';
import type { Scope } from '../src/tui/keybindings.js';
import { fit } from '../src/tui/text.js';
import { useApp } from './AppContext.js';

export interface HelpOverlayProps {
  title: string;
  scopes: Scope[];
  width: number;
  height: number;
}

/** The keys of the current view, generated from the keybinding table (scrolled by the help layer, focus.ts). */
export function HelpOverlay({ title, scopes, width, height }: HelpOverlayProps) {
  const { state, theme } = useApp();
  const top = useStore(state.ui, (s) => s.helpTop);
  const lines = helpLines(scopes, { readonly: state.deps.readonly, isRoot: state.deps.isRoot }, !theme.unicode);
  const body = helpBodyRows(height);
  const maxTop = Math.max(0, lines.length - body);
  const start = Math.min(top, maxTop);
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
