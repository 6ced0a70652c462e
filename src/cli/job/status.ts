// `rnx job status`: one job's record, as text (the describe model the app's Describe pane shows) or JSON.
import { describeJob, describeText } from '../../jobs/describe.js';
import { readEvents } from '../../jobs/events.js';
import { storeOfAnyUser } from '../../jobs/all-users.js';
import { JobStore } from '../../jobs/store.js';
import { printJson } from '../context.js';

export function statusCommand(ref: string, opts: { json?: boolean }): void {
  const own = new JobStore();
  // root finds other users' running jobs too (see all-users.ts)
  const { store, id } = process.getuid?.() === 0 ? storeOfAnyUser(own, ref) : { store: own, id: own.resolve(ref) };
  const r = store.read(id);
  if (opts.json) {
    printJson(r);
    return;
  }
  const d = describeJob(r, readEvents(store.file(r.id, 'events')), store.file(r.id, 'output'));
  process.stdout.write(describeText(d).join('\n') + '\n');
}
