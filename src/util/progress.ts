/** A single-line progress reporter on stderr; silent when stderr is not a terminal or work is quick. */
export interface Progress {
  /** The text is built only when it will be drawn. */
  update(text: () => string): void;
  done(text?: string): void;
}

export function createProgress(opts: { enabled?: boolean; delayMs?: number; stream?: NodeJS.WriteStream } = {}): Progress {
  const stream = opts.stream ?? process.stderr;
  const enabled = opts.enabled ?? Boolean(stream.isTTY);
  const started = Date.now();
  const delay = opts.delayMs ?? 300;
  let lastDraw = 0;
  let drawn = false;
  return {
    update(text) {
      if (!enabled) return;
      const now = Date.now();
      if (now - started < delay || now - lastDraw < 100) return;
      lastDraw = now;
      drawn = true;
      const cols = stream.columns ?? 80;
      stream.write(`\r\x1b[2K${text().slice(0, cols - 1)}`);
    },
    done(text) {
      if (!enabled) return;
      if (drawn) stream.write('\r\x1b[2K');
      if (text && drawn) stream.write(`${text}\n`);
    },
  };
}
