// `rnx job status`: one job's record, as text or JSON.
import prettyMs from 'pretty-ms';
import { formatDropped } from '../../jobs/dropped.js';
import { JobStore } from '../../jobs/store.js';
import { jobDurationMs } from '../../jobs/types.js';
import { formatBytes, formatPeakMemory, shellQuote } from '../../util/format.js';
import { exitText } from './exit-text.js';
import { printJson } from '../context.js';

export function statusCommand(ref: string, opts: { json?: boolean }): void {
  const store = new JobStore();
  const r = store.read(store.resolve(ref));
  if (opts.json) {
    printJson(r);
    return;
  }
  const lim = r.limits;
  const lines = [
    `id:        ${r.id}${r.name ? ` (${r.name})` : ''}`,
    `state:     ${r.state}${r.state === 'running' ? '' : `, exit ${exitText(r)}`}${r.oom ? ', out of memory' : ''}${r.timedOut ? ', timed out' : ''}`,
    `runtime:   ${r.runtime}${r.runtimeVersion ? ` ${r.runtimeVersion}` : ''}`,
    `command:   ${r.command.map(shellQuote).join(' ')}`,
    `user:      ${r.user ?? '-'} (uid ${r.uid})`,
    `started:   ${r.startedAt ?? r.createdAt}`,
    `ended:     ${r.endedAt ?? '-'}`,
    `duration:  ${prettyMs(jobDurationMs(r) ?? 0)}`,
    `limits:    memory ${lim.memory ? formatBytes(lim.memory) : 'default'}, cpu ${lim.cpu ? `${lim.cpu}%` : 'default'}, pids ${lim.pids ?? 'default'}, cores ${lim.cores ?? 'all'}, network ${lim.network}, timeout ${lim.timeout ? `${lim.timeout}s` : 'none'}, output ${lim.logMax === undefined ? 'default' : lim.logMax ? `last ${formatDropped(lim.logMax)}` : 'all'}`,
  ];
  if (r.workdir) lines.push(`workdir:   ${r.workdir}`);
  if (Object.keys(r.env).length)
    lines.push(
      `env:       ${Object.entries(r.env)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`,
    );
  if (r.usage) lines.push(`usage:     cpu ${prettyMs(r.usage.cpuUsec / 1000)}, ${formatPeakMemory(r.usage)}, wall ${prettyMs(r.usage.wallUsec / 1000)}`);
  if (r.error) lines.push(`error:     ${r.error}`);
  lines.push(`output:    ${store.file(r.id, 'output')}${r.outputDropped ? ` (${formatDropped(r.outputDropped)} of earlier output dropped)` : ''}`);
  for (const note of r.notes ?? []) lines.push(`note:      ${note}`);
  process.stdout.write(lines.join('\n') + '\n');
}
