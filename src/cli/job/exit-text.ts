// How a job's end reads in a table or a status line: its exit code, or the signal that ended it.
import type { JobRecord } from '../../jobs/types.js';

export function exitText(r: JobRecord): string {
  if (r.state === 'running') return '-';
  if (r.signal) return `sig ${r.signal}`;
  return r.exitCode === undefined ? '-' : String(r.exitCode);
}
