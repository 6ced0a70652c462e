import { homedir } from 'node:os';
import { join } from 'node:path';

/** $RNX_STATE_DIR, else $XDG_STATE_HOME/rnx, else ~/.local/state/rnx. */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.RNX_STATE_DIR) return env.RNX_STATE_DIR;
  const xdg = env.XDG_STATE_HOME?.startsWith('/') ? env.XDG_STATE_HOME : join(homedir(), '.local', 'state');
  return join(xdg, 'rnx');
}

export const jobFiles = {
  record: 'record.json',
  output: 'output.log',
  /** JSON lines the launcher writes on --status-fd. */
  events: 'events.jsonl',
} as const;

export function jobsDir(state = stateDir()): string {
  return join(state, 'jobs');
}

export function jobDir(id: string, state = stateDir()): string {
  return join(jobsDir(state), id);
}
