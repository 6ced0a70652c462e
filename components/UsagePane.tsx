import { Box, Text } from 'ink';
import { useStore } from 'zustand';
import type { JobRecord } from '../src/jobs/types.js';
import { sparkline, workingSet } from '../src/state/usage-store.js';
import { formatBytes, formatPeakMemory } from '../src/util/format.js';
import { fit, formatDuration } from '../src/tui/text.js';
import { useApp } from './AppContext.js';

export interface UsagePaneProps {
  width: number;
  height: number;
  job: JobRecord | undefined;
}

/** CPU and memory sparklines over the last minutes, memory against its limit, pids, peaks. */
export function UsagePane({ width, height, job }: UsagePaneProps) {
  const { state, theme } = useApp();
  const u = state.usage;
  const cpu = useStore(u, (s) => s.cpu);
  const memory = useStore(u, (s) => s.memory);
  const last = useStore(u, (s) => s.last);
  const peakCpu = useStore(u, (s) => s.peakCpu);
  const peakMemory = useStore(u, (s) => s.peakMemory);
  const g = theme.glyphs;
  const lines: Array<{ text: string; color?: string | undefined }> = [];
  const label = 5;
  const sparkW = Math.max(8, Math.min(120, width - label - 30));
  if (!job) lines.push({ text: 'no job selected', color: theme.muted });
  else if (job.state === 'running') {
    const cpuNow = last?.cpuPercent;
    const quota = last?.cpuQuotaPercent ?? job.limits.cpu;
    lines.push({
      text: `${fit('CPU', label)}${sparkline(cpu, sparkW, Math.max(100, quota ?? 0, ...cpu.slice(-sparkW)), g.spark)} ${cpuNow !== undefined ? `${cpuNow.toFixed(0)}%` : '-'}${quota ? `/${quota.toFixed(0)}%` : ''} peak ${peakCpu.toFixed(0)}%`,
      color: theme.accent,
    });
    const limit = last?.memoryLimit ?? job.limits.memory;
    const cur = last ? workingSet(last) : undefined;
    const cache = last?.memoryCache;
    lines.push({
      text: `${fit('MEM', label)}${sparkline(memory, sparkW, limit ?? undefined, g.spark)} ${cur !== undefined ? formatBytes(cur) : '-'}${limit ? ` / ${formatBytes(limit)}` : ''} peak ${formatBytes(peakMemory)}`,
      color: theme.ok,
    });
    if (limit && cur !== undefined) {
      const barW = Math.max(4, Math.min(40, width - label - 12));
      const frac = Math.min(1, cur / limit);
      const n = Math.round(frac * barW);
      lines.push({
        text: `${fit('', label)}${g.barFull.repeat(n)}${g.barEmpty.repeat(barW - n)} ${(frac * 100).toFixed(0)}% of limit${cache ? `  page cache ${formatBytes(cache)}` : ''}`,
        color: frac > 0.9 ? theme.error : frac > 0.7 ? theme.warn : undefined,
      });
    } else if (cache) lines.push({ text: `${fit('', label)}page cache ${formatBytes(cache)}`, color: theme.muted });
    const pidsLimit = last?.pidsLimit ?? job.limits.pids;
    lines.push({ text: `${fit('PIDS', label)}${last?.pids ?? '-'}${pidsLimit ? ` / ${pidsLimit}` : ''}  samples ${cpu.length}s` });
    if (!last) lines.push({ text: 'waiting for the first reading…', color: theme.muted });
  } else {
    const usage = job.usage;
    lines.push({
      text: `${job.state}${job.exitCode !== undefined ? `, exit ${job.exitCode}` : ''}${job.signal ? `, signal ${job.signal}` : ''}${job.oom ? ', out of memory' : ''}`,
      color: job.state === 'exited' && job.exitCode === 0 ? theme.ok : theme.error,
    });
    if (usage) {
      lines.push({ text: `${fit('CPU', label)}${formatDuration(usage.cpuUsec / 1000)} of CPU time in ${formatDuration(usage.wallUsec / 1000)}` });
      lines.push({ text: `${fit('MEM', label)}${formatPeakMemory(usage)}${job.limits.memory ? ` of ${formatBytes(job.limits.memory)}` : ''}` });
    }
    if (job.error) lines.push({ text: job.error, color: theme.error });
    if (cpu.length)
      lines.push({
        text: `${fit('CPU', label)}${sparkline(cpu, sparkW, Math.max(100, ...cpu.slice(-sparkW)), g.spark)} peak ${peakCpu.toFixed(0)}%`,
        color: theme.muted,
      });
  }
  const rule = g.rule;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text color={theme.muted}>{fit(`${rule}${rule} Usage `.padEnd(width, rule), width)}</Text>
      {lines.slice(0, Math.max(0, height - 1)).map((l, i) => (
        <Text key={i} color={l.color}>
          {fit(l.text, width)}
        </Text>
      ))}
    </Box>
  );
}
