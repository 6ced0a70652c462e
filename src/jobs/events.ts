// Reading the launcher's status events (JSON lines written on --status-fd into the job's events file).
import { readFileSync } from 'node:fs';

export type { StartedEvent, ExitedEvent, OutputDroppedEvent } from '../launcher/events.js';
import { parseEventLine, type ExitedEvent, type OutputDroppedEvent, type StartedEvent } from '../launcher/events.js';

export interface JobEvents {
  started?: StartedEvent;
  exited?: ExitedEvent;
  /** The latest --log-max drop of the job's output (fd 1). */
  dropped?: OutputDroppedEvent;
  notes?: string[];
}

export function parseEvents(text: string): JobEvents {
  const out: JobEvents = {};
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const ev = parseEventLine(line);
      if (ev.event === 'started') out.started = ev;
      else if (ev.event === 'exited') out.exited = ev;
      else if (ev.event === 'output_dropped') {
        if (ev.fd === 1) out.dropped = ev; // a later event may take back a drop that failed: the last one holds
      } else (out.notes ??= []).push(ev.message);
    } catch {}
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
