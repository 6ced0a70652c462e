// What `rnx` prints instead of opening the terminal app when there is no terminal.
import { JobStore } from '../jobs/store.js';
import { listRuntimeNames } from '../runtimes/lookup.js';

export function printSummary(root: string): void {
  const runtimes = listRuntimeNames(root);
  let running = 0;
  let total = 0;
  try {
    const jobs = new JobStore().list();
    total = jobs.length;
    running = jobs.filter((j) => j.state === 'running').length;
  } catch {
    // no readable state directory yet
  }
  process.stdout.write(
    [
      `rnx: ${runtimes.length} runtime${runtimes.length === 1 ? '' : 's'} installed${runtimes.length ? ` (${runtimes.join(', ')})` : ''}; ${running} job${running === 1 ? '' : 's'} running, ${total} recorded`,
      'The terminal app needs a terminal; without one use the plain commands:',
      '  rnx runtime list | info | install | verify | ...   (rnx runtime --help)',
      '  rnx job run | list | logs | stats | stop | ...     (rnx job --help)',
      '  rnx --help',
    ].join('\n') + '\n',
  );
}
