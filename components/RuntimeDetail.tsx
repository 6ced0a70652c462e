import { Box, Text } from 'ink';
import { useStore } from 'zustand';
import type { RuntimeInfo } from '../src/runtimes/store.js';
import type { CheckResult } from '../src/state/runtimes-store.js';
import { formatBytes, formatDate } from '../src/util/format.js';
import { fit } from '../src/tui/text.js';
import { useApp } from './AppContext.js';

export interface RuntimeDetailProps {
  width: number;
  height: number;
  name: string | undefined;
  info: RuntimeInfo | { error: string } | undefined;
  verify: CheckResult | undefined;
  check: CheckResult | undefined;
  sortLabel: string;
}

type Line = { text: string; color?: string | undefined; bold?: boolean };

/** runtime.yml, environment, size per top-level directory, file count and the last verify/check results. */
export function RuntimeDetail({ width, height, name, info, verify, check, sortLabel }: RuntimeDetailProps) {
  const { state, theme } = useApp();
  const task = useStore(state.runtimes, (s) => s.task);
  const lines: Line[] = [];
  const head = (text: string) => lines.push({ text, bold: true, color: theme.accent });
  if (!name) lines.push({ text: '' });
  else if (!info) lines.push({ text: `${name}: loading…`, color: theme.muted });
  else if ('error' in info) lines.push({ text: `${name}: ${info.error}`, color: theme.error });
  else {
    lines.push({ text: `${info.name} ${info.version}${info.language ? ` (${info.language})` : ''}`, bold: true });
    if (info.description) lines.push({ text: info.description.trim().split('\n')[0]! });
    lines.push({ text: `${formatBytes(info.bytes)} in ${info.files} files · installed ${formatDate(info.installedAt)}` });
    lines.push({ text: `workdir ${info.spec.workdir}${info.spec.writable.length ? ` · writable ${info.spec.writable.join(', ')}` : ''}` });
    const running = task && task.name === info.name ? task : undefined;
    if (running && running.kind !== 'verify' && running.kind !== 'check') lines.push(progressLine(running));
    function progressLine(t: NonNullable<typeof task>): Line {
      const barW = Math.max(0, Math.min(20, width - t.progress.length - 12));
      const bar =
        t.fraction !== undefined
          ? ` ${theme.glyphs.barFull.repeat(Math.round(t.fraction * barW))}${theme.glyphs.barEmpty.repeat(barW - Math.round(t.fraction * barW))}`
          : '';
      return { text: `${t.kind}: ${t.progress}${bar}`, color: theme.accent };
    }
    const result = (label: string, r: CheckResult | undefined) => {
      // a verify or check in progress stands in place of its last result
      if (running?.kind === label) return lines.push(progressLine(running));
      if (!r) return lines.push({ text: `${label}: not run yet`, color: theme.muted });
      lines.push({ text: `${label}: ${r.summary}`, color: r.ok ? theme.ok : theme.error });
      for (const d of r.details.slice(0, 3)) lines.push({ text: `  ${d}`, color: theme.error });
      if (r.details.length > 3) lines.push({ text: `  … ${r.details.length - 3} more`, color: theme.muted });
      return 0;
    };
    result('verify', verify);
    result('check', check);
    const env = Object.entries(info.spec.environment);
    head('Environment');
    if (!env.length) lines.push({ text: '  (none)', color: theme.muted });
    for (const [k, v] of env) lines.push({ text: `  ${k}=${v}` });
    head('Size per directory');
    const max = Math.max(1, ...info.sizes.map((s) => s.bytes));
    for (const s of info.sizes) {
      const barW = Math.max(0, Math.min(16, width - 36));
      const n = Math.round((s.bytes / max) * barW);
      lines.push({
        text: `  ${fit(s.dir, 10)} ${fit(formatBytes(s.bytes), 10, '…', 'right')} ${fit(String(s.files), 6, '…', 'right')}  ${theme.glyphs.barFull.repeat(n)}`,
      });
    }
    for (const w of info.warnings) lines.push({ text: `warning: ${w}`, color: theme.warn });
    head('runtime.yml');
    for (const l of info.specText.trimEnd().split('\n')) lines.push({ text: `  ${l}` });
  }
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text color={theme.muted}>
        {fit(`${theme.glyphs.rule.repeat(2)} Details ${sortLabel ? `(${sortLabel}) ` : ''}`.padEnd(width, theme.glyphs.rule), width)}
      </Text>
      {lines.slice(0, Math.max(0, height - 1)).map((l, i) => (
        <Text key={i} color={l.color} bold={l.bold === true}>
          {fit(l.text, width)}
        </Text>
      ))}
    </Box>
  );
}
