// Reading the launcher's status events (JSON lines written on --status-fd into the job's events file).
import { readFileSync } from 'node:fs';

export type { StartedEvent, ExitedEvent } from '../launcher/events.js';
import { parseEventLine, type ExitedEvent, type StartedEvent } from '../launcher/events.js';

export interface JobEvents {
  started?: StartedEvent;
  exited?: ExitedEvent;
}

export function parseEvents(text: string): JobEvents {
  const out: JobEvents = {};
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const ev = parseEventLine(line);
      if (ev.event === 'started') out.started = ev;
      else out.exited = ev;
    } catch {
      continue; // a line cut short by a killed launcher
    }
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
