// The job store: one directory per job under the user's state directory.
import {
  chownSync,
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statfsSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { ExitCode, UserError } from '../util/errors.js';
import { readEvents } from './events.js';
import { jobDir, jobFiles, jobsDir, stateDir } from './paths.js';
import { reconcile, type Observed } from './reconcile.js';
import { launcherProcessAlive } from '../launcher/processes.js';
import { registeredLauncherPid } from '../launcher/registry.js';
import { FINAL_STATES, type JobRecord } from './types.js';
import { makeDirs } from '../util/dirs.js';

const RESERVE_FILE = 'reserve';
// The final record is a few KiB; the rest is room for the file system's own blocks (the new file, the rename).
const RESERVE_BYTES = 64 * 1024;

/** A job's record as stored and, while it says running, what was seen of the job (nothing when final). */
export interface Observation {
  record: JobRecord;
  seen?: Observed;
}

export class JobStore {
  constructor(readonly state: string = stateDir()) {}

  dir(id: string): string {
    return jobDir(id, this.state);
  }

  file(id: string, name: keyof typeof jobFiles): string {
    return join(this.dir(id), jobFiles[name]);
  }

  /** A new, unused id: 12 hex digits (from /dev/urandom: node:crypto costs a job's start-up several ms to load). */
  newId(): string {
    const fd = openSync('/dev/urandom', 'r');
    try {
      const bytes = Buffer.alloc(6);
      readSync(fd, bytes, 0, 6, null);
      return bytes.toString('hex');
    } finally {
      closeSync(fd);
    }
  }

  create(record: JobRecord): void {
    try {
      makeDirs(jobsDir(this.state), 0o700);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EACCES' && code !== 'EROFS' && code !== 'ENOTDIR') throw err;
      throw new UserError(
        `cannot create the job directory ${jobsDir(this.state)} (${code}); set RNX_STATE_DIR to a directory you can write`,
        ExitCode.Permission,
      );
    }
    mkdirSync(this.dir(record.id), { mode: 0o700 });
    // The first record goes straight into its name (no temporary and rename: it is on the job's start-up path).
    // Its id is new, so only a listing can meet it half-written, and listings skip what they cannot parse.
    writeFileSync(this.file(record.id, 'record'), recordText(record), { mode: 0o600, flag: 'wx' });
  }

  /** Room kept back so that the final record can still be written when the job's output fills the disk. */
  reserveRoom(id: string): void {
    writeFileSync(join(this.dir(id), RESERVE_FILE), Buffer.alloc(RESERVE_BYTES), { mode: 0o600 });
  }

  save(record: JobRecord): void {
    const file = this.file(record.id, 'record');
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, recordText(record), { mode: 0o600 });
    // Root stopping or reading another user's job writes into that user's directory: the record stays theirs.
    if (process.getuid?.() === 0) {
      const owner = statSync(this.dir(record.id));
      if (owner.uid !== 0) chownSync(tmp, owner.uid, owner.gid);
    }
    renameSync(tmp, file);
  }

  /** Reads a record as stored, without looking at processes. */
  readRaw(id: string): JobRecord {
    return JSON.parse(readFileSync(this.file(id, 'record'), 'utf8')) as JobRecord;
  }

  /**
   * What is there to know about a job, without changing anything: its record as stored and, while that says
   * running, what the launcher reported and whether its processes live. `launcherExit` is the launcher's exit
   * status, when the caller started it and saw it end.
   */
  observe(id: string, launcherExit?: Observed['launcherExit']): Observation {
    const record = this.readRaw(id);
    if (FINAL_STATES.has(record.state)) return { record };
    let events = readEvents(this.file(id, 'events'));
    // An exited event decides the state by itself: whether processes live, and what the launcher printed,
    // matter only without one.
    let alive = false;
    if (!events.exited) {
      alive = launcherProcessAlive(record.id, [record.launcherPid, events.started?.pid, events.started?.launcher_pid ?? registeredLauncherPid(record.id)]);
      // The launcher writes its exited event before it exits: one seen dead may have written it after the
      // events were read, so read them again before concluding it died without reporting.
      if (!alive) events = readEvents(this.file(id, 'events'));
    }
    const launcherMessage = events.exited || alive ? undefined : lastLauncherMessage(this.file(id, 'output'));
    return {
      record,
      seen: { events, alive, ...(launcherMessage ? { launcherMessage } : {}), ...(launcherExit ? { launcherExit } : {}), now: new Date() },
    };
  }

  /** The job as an observation shows it (pure: see reconcile). */
  static current(o: Observation): JobRecord {
    return o.seen ? reconcile(o.record, o.seen) : o.record;
  }

  /**
   * Writes down what an observation shows when the job has moved on (started, or ended): the new record, and
   * at its end the room kept for it given back and a full disk noted. Returns the record as it now stands.
   */
  settle(o: Observation): JobRecord {
    const next = JobStore.current(o);
    const { record } = o;
    if (next === record) return record;
    const id = record.id;
    if (FINAL_STATES.has(next.state)) {
      if (diskFull(this.dir(id))) next.error = `output may be incomplete: no space left on device under ${this.dir(id)}`;
      unlinkReserve(join(this.dir(id), RESERVE_FILE));
    }
    if (next.state !== record.state || next.jobPid !== record.jobPid) {
      // Another reader may have finalised it already; never overwrite a final state.
      const stored = this.readRaw(id);
      if (FINAL_STATES.has(stored.state)) return stored;
      this.save(next);
    }
    return next;
  }

  /** The job brought up to date, and written down where it moved on: observe, then settle. */
  read(id: string, launcherExit?: Observed['launcherExit']): JobRecord {
    return this.settle(this.observe(id, launcherExit));
  }

  ids(): string[] {
    const dir = jobsDir(this.state);
    if (!existsSync(dir)) return [];
    return readdirSync(dir).filter((n) => /^[0-9a-f]{12}$/.test(n) && existsSync(join(dir, n, jobFiles.record)));
  }

  /** All jobs, newest first. */
  list(): JobRecord[] {
    const out: JobRecord[] = [];
    for (const id of this.ids()) {
      try {
        out.push(this.read(id));
      } catch {
        // a record being removed concurrently
      }
    }
    return out.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
  }

  /** Resolves an id or a unique prefix of one, or a job name. */
  resolve(ref: string): string {
    if (!ref) throw new UserError('no job id given', ExitCode.Usage);
    const ids = this.ids();
    if (ids.includes(ref)) return ref;
    const matches = ids.filter((id) => id.startsWith(ref));
    if (matches.length === 1) return matches[0]!;
    if (matches.length > 1)
      throw new UserError(`job id "${ref}" is ambiguous: ${matches.slice(0, 5).join(', ')}${matches.length > 5 ? ', …' : ''}`, ExitCode.Usage);
    const named = ids.filter((id) => {
      try {
        return this.readRaw(id).name === ref;
      } catch {
        return false;
      }
    });
    if (named.length === 1) return named[0]!;
    if (named.length > 1) throw new UserError(`more than one job is named "${ref}"; use its id`, ExitCode.Usage);
    throw new UserError(`no job "${ref}" (rnx job list --all shows them)`, ExitCode.NotFound);
  }

  remove(id: string): void {
    rmSync(this.dir(id), { recursive: true, force: true });
  }
}

function recordText(record: JobRecord): string {
  return JSON.stringify(record, null, 2) + '\n';
}

/** Gives back the room kept for the final record (unlink: rmSync loads a recursive remover the job path never needs). */
function unlinkReserve(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already given back
  }
}

/** Whether the filesystem holding `dir` has no room left (a job writing its output there was cut short). */
export function diskFull(dir: string): boolean {
  try {
    const st = statfsSync(dir);
    return st.bavail * st.bsize < 64 * 1024;
  } catch {
    return false;
  }
}

/** The last line rnx-launch wrote about itself into the job's output. */
export function lastLauncherMessage(outputFile: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(outputFile, 'r');
  } catch {
    return undefined;
  }
  try {
    const size = fstatSync(fd).size;
    const len = Math.min(size, 64 * 1024);
    const buf = Buffer.alloc(len);
    readSync(fd, buf, 0, len, size - len);
    const lines = buf
      .toString('utf8')
      .split('\n')
      .filter((l) => l.startsWith('rnx-launch: '));
    return lines.at(-1);
  } finally {
    closeSync(fd);
  }
}
