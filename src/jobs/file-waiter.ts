// Waiting for a file that another process writes (a job's output, the launcher's events).
// Short polls first, so a job that ends within milliseconds never pays for an inotify watch (fs.watch
// loads a good part of a job's start-up budget); once the wait has gone on a while, a watch, so a long
// quiet job wakes on its next write instead of at its next poll.
import { watch, type FSWatcher } from 'node:fs';

const FIRST_POLL_MS = 1;
const LAST_POLL_MS = 50;
const WATCH_AFTER_MS = 100;

export class FileWaiter {
  private delay = FIRST_POLL_MS;
  private waited = 0;
  private watcher: FSWatcher | undefined;
  private wake: (() => void) | undefined;
  private settled = false;
  private canWatch = true;

  /** `ended` settles when the writer is gone: waits return at once from then on. */
  constructor(
    private readonly path: string,
    ended?: Promise<unknown>,
  ) {
    void ended?.then(() => {
      this.settled = true;
      this.wake?.();
    });
  }

  /** Resolves when the file may have changed: on a write seen by the watch, the next poll, or the writer's end. */
  async next(): Promise<void> {
    if (this.settled) return;
    if (this.canWatch && !this.watcher && this.waited >= WATCH_AFTER_MS) this.startWatch();
    const ms = this.delay;
    this.delay = Math.min(this.delay * 2, LAST_POLL_MS);
    this.waited += ms;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      const waiter = this;
      function done() {
        clearTimeout(timer);
        waiter.wake = undefined;
        resolve();
      }
      this.wake = done;
    });
  }

  /** The file changed: poll quickly again. */
  changed(): void {
    this.delay = FIRST_POLL_MS;
  }

  close(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }

  private startWatch(): void {
    try {
      this.watcher = watch(this.path, () => this.wake?.());
    } catch {
      this.canWatch = false; // the file is gone or inotify is exhausted: keep polling
    }
  }
}
