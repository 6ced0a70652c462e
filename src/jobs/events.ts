// Reading the launcher's status events (JSON lines written on --status-fd into the job's events file).
import { readFileSync } from 'node:fs';

export interface StartedEvent {
  event: 'started';
  job_id: string;
  pid: number;
  cgroup_mode: 'v1' | 'v2';
  cgroups: Record<string, string>;
}

export interface ExitedEvent {
  event: 'exited';
  job_id: string;
  code: number;
  signal: number;
  oom: boolean;
  timed_out: boolean;
  cpu_usec: number;
  peak_memory: number;
  wall_usec: number;
}

export interface JobEvents {
  started?: StartedEvent;
  exited?: ExitedEvent;
}

export function parseEvents(text: string): JobEvents {
  const out: JobEvents = {};
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let ev: { event?: string };
    try {
      ev = JSON.parse(line) as { event?: string };
    } catch {
      continue; // a line cut short by a killed launcher
    }
    if (ev.event === 'started') out.started = ev as StartedEvent;
    else if (ev.event === 'exited') out.exited = ev as ExitedEvent;
  }
  return out;
}

export function readEvents(file: string): JobEvents {
  try {
    return parseEvents(readFileSync(file, 'utf8'));
  } catch {
    return {};
  }
}
