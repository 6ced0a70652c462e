// `rnx job rm`: removes finished jobs' records and output.
import { JobStore } from '../../jobs/store.js';
import { ExitCode, UserError } from '../../util/errors.js';

export function rmCommand(refs: string[]): void {
  const store = new JobStore();
  for (const ref of refs) {
    const id = store.resolve(ref);
    const r = store.read(id);
    if (r.state === 'running') throw new UserError(`job ${id} is still running; stop it first (rnx job stop ${id})`, ExitCode.Busy);
    store.remove(id);
    process.stdout.write(`removed ${id}\n`);
  }
}
