import { Box, Text } from 'ink';
import { useStore } from 'zustand';
import { FIELDS } from '../src/state/launch-store.js';
import { fit } from '../src/tui/text.js';
import { useApp } from './AppContext.js';
import type { ViewProps } from './RuntimesView.js';

/** A value on one line: a multi-line command shows its newlines and tabs as \n and \t (as formatCommand does). */
const escapeControls = (v: string) => v.replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/\r/g, '\\r');

/** Start a job: runtime, command, limits, network, workdir, environment; validated as you type (keys: focus.ts). */
export function LaunchForm({ width, height }: ViewProps) {
  const { state, theme } = useApp();
  const ls = state.launch;
  const values = useStore(ls, (s) => s.values);
  const focus = useStore(ls, (s) => s.focus);
  const showAll = useStore(ls, (s) => s.showAll);
  const touched = useStore(ls, (s) => s.touched);
  const submitting = useStore(ls, (s) => s.submitting);
  const runtimes = useStore(ls, (s) => s.runtimes);
  const errors = useStore(ls, (s) => s.errors());
  const labelW = 10;
  const valueW = Math.max(10, Math.min(60, width - labelW - 6));
  const lines: Array<{ text: string; color?: string | undefined; inverse?: boolean; bold?: boolean }> = [];
  lines.push({ text: 'Launch a job', bold: true, color: theme.accent });
  lines.push({ text: '' });
  FIELDS.forEach((f, i) => {
    const isFocus = i === focus;
    const v = values[f.id];
    let shown: string;
    if (f.kind === 'choice') {
      const display = f.id === 'runtime' ? v || '(none installed)' : v;
      shown = `‹ ${display} ›${f.id === 'runtime' && runtimes.length > 1 ? `  (${runtimes.indexOf(v) + 1}/${runtimes.length})` : ''}`;
    } else shown = `${escapeControls(v)}${isFocus ? '▏' : ''}`;
    const err = errors[f.id];
    const showErr = err && (showAll || touched[f.id] || (v !== '' && f.id !== 'command'));
    lines.push({ text: `${isFocus ? theme.glyphs.selected : ' '} ${fit(f.label, labelW)} ${fit(shown, valueW)}`, inverse: isFocus, bold: isFocus });
    if (showErr) lines.push({ text: `  ${' '.repeat(labelW)} ${err}`, color: theme.error });
    else if (isFocus) lines.push({ text: `  ${' '.repeat(labelW)} ${f.hint}`, color: theme.muted });
  });
  lines.push({ text: '' });
  lines.push({ text: submitting ? 'starting…' : 'Enter launches · Tab/↑/↓ move · ←/→ change a choice · Esc leaves', color: theme.muted });
  return (
    <Box flexDirection="column" width={width} height={height}>
      {lines.slice(0, height).map((l, i) => (
        <Text key={i} color={l.color} inverse={l.inverse === true} bold={l.bold === true}>
          {fit(l.text, width)}
        </Text>
      ))}
    </Box>
  );
}
