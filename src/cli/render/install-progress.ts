// Draws the events of installing from any source on stderr: a recipe's build as phase lines, an archive's or a
// directory's unpacking as one progress line, warnings as they come.
import type { InstallProgress } from '../../runtimes/install.js';
import type { InstallSourceEvent } from '../../runtimes/install-source.js';
import { formatBytes } from '../../util/format.js';
import { createProgress } from '../../util/progress.js';
import { buildProgressReporter } from './build-progress.js';

export function installProgressReporter(stream: NodeJS.WriteStream = process.stderr): { onEvent: (e: InstallSourceEvent) => void; stop: () => void } {
  let build: ReturnType<typeof buildProgressReporter> | undefined;
  const unpack = createProgress({ stream });
  return {
    onEvent(e) {
      if (e.type === 'build') (build ??= buildProgressReporter(stream)).onEvent(e.event);
      else if (e.type === 'unpack') unpack.update(() => describeUnpack(e.progress));
      else if (e.type === 'warning') {
        unpack.done();
        stream.write(`warning: ${e.text}\n`);
      }
    },
    stop() {
      build?.stop();
      unpack.done();
    },
  };
}

function describeUnpack(p: InstallProgress): string {
  switch (p.phase) {
    case 'extract':
      return `extracting: ${formatBytes(p.done)} of ${formatBytes(p.total)} (${Math.floor((p.done / Math.max(p.total, 1)) * 100)}%)`;
    case 'copy':
      return `copying: ${formatBytes(p.done)}`;
    case 'hash':
      return `hashing: ${formatBytes(p.done)}`;
    case 'finalize':
      return 'writing manifest…';
  }
}
