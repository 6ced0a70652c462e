// `rnx job logs`: a job's recorded output, marking what --log-max dropped; -f follows it to the job's end.
import { writeSync } from 'node:fs';
import { DroppedOutput, gapMarker } from '../../jobs/dropped.js';
import { followFile, writeToFd } from '../../jobs/follow.js';
import { JobStore } from '../../jobs/store.js';
import { FINAL_STATES } from '../../jobs/types.js';

export async function logsCommand(ref: string, opts: { follow?: boolean }): Promise<void> {
  const store = new JobStore();
  const id = store.resolve(ref);
  const file = store.file(id, 'output');
  // Without --follow: what the log holds now. Output dropped under --log-max is a line on stderr, where it was.
  await followFile(file, {
    isDone: opts.follow ? () => FINAL_STATES.has(store.read(id).state) : () => true,
    write: writeToFd(1),
    dropped: new DroppedOutput(store.file(id, 'events')),
    onGap: (bytes) => writeSync(2, gapMarker(bytes)),
  });
}
