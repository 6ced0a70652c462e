// Draws the builder's events on stderr (`rnx runtime build`, and `rnx runtime install NAME` of a recipe).
import type { BuildEvent } from '../../runtimes/builder/index.js';

function secs(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/**
 * Prints build progress to `stream` (stderr): one line per phase with its elapsed time, and on a terminal a
 * live status line with the total elapsed time and the latest output line.
 */
export function buildProgressReporter(stream: NodeJS.WriteStream = process.stderr): { onEvent: (e: BuildEvent) => void; stop: () => void } {
  const tty = Boolean(stream.isTTY);
  const started = Date.now();
  let phaseStart = Date.now();
  let phase = '';
  let last = '';
  let drawn = false;
  const clear = () => {
    if (drawn) stream.write('\r\x1b[2K');
    drawn = false;
  };
  const draw = () => {
    if (!tty || !phase) return;
    const cols = stream.columns ?? 80;
    const text = `  ${phase} ${secs(Date.now() - phaseStart)} (total ${secs(Date.now() - started)})  ${last}`;
    stream.write(`\r\x1b[2K${text.slice(0, cols - 1)}`);
    drawn = true;
  };
  const timer = tty ? setInterval(draw, 500) : undefined;
  timer?.unref();
  return {
    onEvent(e) {
      if (e.type === 'log') {
        stream.write(`build log: ${e.file}\n`);
      } else if (e.type === 'kept') {
        clear();
        stream.write(`build directory kept: ${e.dir}\n`);
      } else if (e.type === 'phase-start') {
        clear();
        phase = e.phase;
        phaseStart = Date.now();
        last = '';
        stream.write(`[${e.index}/${e.total}] ${e.phase}…\n`);
      } else if (e.type === 'phase-end') {
        clear();
        stream.write(`      ${e.phase} done in ${secs(e.ms)}${e.note ? `: ${e.note}` : ''} (total ${secs(Date.now() - started)})\n`);
        phase = '';
      } else if (e.type === 'output') {
        last = e.line.trim();
      }
    },
    stop() {
      if (timer) clearInterval(timer);
      clear();
    },
  };
}
