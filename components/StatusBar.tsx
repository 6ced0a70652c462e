import { Box, Text } from 'ink';
import { useStore } from 'zustand';
import { bindingsFor, keyLabel, type Scope } from '../src/tui/keybindings.js';
import { fit } from '../src/tui/text.js';
import { useApp } from './AppContext.js';

export interface StatusBarProps {
  width: number;
  where: string;
  scopes: Scope[];
  /** Shown instead of the keys while a text field has the keyboard. */
  editingHint?: string | undefined;
}

/** One line: where you are, the last message or a running task, and the main keys of this view. */
export function StatusBar({ width, where, scopes, editingHint }: StatusBarProps) {
  const { state, theme } = useApp();
  const message = useStore(state.ui, (s) => s.message);
  const confirm = useStore(state.ui, (s) => s.confirm);
  const task = useStore(state.runtimes, (s) => s.task);
  const command = useStore(state.ui, (s) => s.command);
  const opts = { readonly: state.deps.readonly, isRoot: state.deps.isRoot };
  if (command !== undefined && !confirm) {
    const hint = '  Tab complete  Enter run  Esc cancel';
    return (
      <Box width={width}>
        <Text color={theme.accent}>{fit(`:${command}${theme.unicode ? '▏' : '_'}`, Math.max(0, width - hint.length))}</Text>
        <Text dimColor={!!theme.color}>{fit(hint, Math.min(hint.length, width))}</Text>
      </Box>
    );
  }
  if (confirm) {
    return (
      <Box width={width}>
        <Text inverse bold color={theme.warn}>
          {fit(` ${confirm.message}`, Math.max(0, width - 7))}
          {fit(' [y/N] ', Math.min(7, width))}
        </Text>
      </Box>
    );
  }
  // The view's own keys first, then the global ones (? help, q quit); only whole hints, as many as fit.
  const hints = editingHint
    ? [editingHint]
    : bindingsFor(scopes, opts)
        .filter((b) => b.main)
        .sort((a, b) => Number(a.scopes.includes('global')) - Number(b.scopes.includes('global')))
        .map((b) => `${keyLabel(b.keys[0]!, !theme.unicode)} ${b.short ?? b.description.split(' ')[0]}`);
  const left = ` ${where} `;
  const taskText = task ? `${task.kind} ${task.name}: ${task.progress}` : '';
  const msg = taskText || message?.text || '';
  const msgColor = taskText
    ? theme.accent
    : message?.level === 'error'
      ? theme.error
      : message?.level === 'ok'
        ? theme.ok
        : message?.level === 'warn'
          ? theme.warn
          : undefined;
  // The message has priority over the key hints; the hints fill what is left.
  const msgWidth = msg ? Math.min(msg.length + 2, Math.max(0, width - left.length)) : 0;
  const keysWidth = Math.max(0, width - left.length - msgWidth);
  let keys = '';
  for (const h of hints) {
    const next = keys ? `${keys}  ${h}` : h;
    if (next.length + 1 > keysWidth) break;
    keys = next;
  }
  return (
    <Box width={width}>
      <Text inverse bold>
        {left}
      </Text>
      <Text color={msgColor}>{fit(msg ? ` ${msg}` : '', msgWidth)}</Text>
      <Text dimColor={!!theme.color}>{fit(keys, keysWidth, '', 'right')}</Text>
    </Box>
  );
}
