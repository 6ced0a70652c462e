// The job registry against a caller who wants to pin entries and root-owned cgroups for good: it SIGKILLs its
// own launcher once the entry and the cgroups exist (before a guard could be there to remove them), and holds a
// shared flock on the entry so that no later run's cleaner can take it. Each such run would cost the caller one
// descriptor and pin a memcg (a global, finite pool on v1) and three more cgroups.
import { describe, it, expect, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canRun, haveGdb, underGdb, waitFor, LAUNCHER_PATH as INSTALLED, TEST_RUNTIME } from './harness.js';
import { OTHER_USER, TEST_USER, runAsSync, spawnAs, userIds } from '../support/users.js';

// RNX_LAUNCHER_UNDER_TEST: run these tests against another (setuid) build, e.g. an older one
const LAUNCHER_PATH = process.env.RNX_LAUNCHER_UNDER_TEST ?? INSTALLED;

/** Registry entry and cgroup directories of one job id (only this file's own ids are ever looked at). */
function traces(jobId: string): string[] {
  const out: string[] = [];
  if (existsSync(`/run/rnx/jobs/${jobId}`)) out.push('entry');
  for (const c of ['memory', 'pids', 'cpu', 'cpuacct', 'cpuset', 'freezer', 'unified']) {
    if (existsSync(`/sys/fs/cgroup/${c}/rnx/${jobId}`)) out.push(c);
  }
  if (existsSync(`/sys/fs/cgroup/rnx/${jobId}`)) out.push('v2');
  return out;
}

const usedIds: string[] = [];
function jobId(name: string): string {
  const id = `regdos-${name}-${process.pid}`;
  usedIds.push(id);
  return id;
}

const { gid } = userIds(TEST_USER);
const cleanerRun = () => runAsSync(TEST_USER, LAUNCHER_PATH, ['--runtime', TEST_RUNTIME, '--', 'true']);

/** What a caller who stops its launcher at `breakAt` does: note what exists, open the entry and wait for a shared
 * lock on it (which it gets, and holds, once the launcher's own lock is gone), then SIGKILL the launcher. gdb (as
 * root) stands in for the caller's well-timed SIGSTOP. */
function attack(id: string, breakAt: string, dir: string): { gdb: string; seen: string[]; lock: () => string; holder: number } {
  const entry = `/run/rnx/jobs/${id}`;
  const holder =
    `$| = 1; open(my $f, "<", "${entry}") or die "open: $!\\n"; print "opened\\n"; flock($f, 1) or die "flock: $!\\n"; ` + // LOCK_SH
    `print "locked\\n"; sleep 60`;
  writeFileSync(join(dir, 'holder.pl'), holder);
  writeFileSync(
    join(dir, 'hook.sh'),
    `#!/bin/sh\n` +
      `[ -e ${entry} ] && echo entry >> ${dir}/seen\n` +
      `for c in memory pids cpuacct freezer; do [ -d /sys/fs/cgroup/$c/rnx/${id} ] && echo $c >> ${dir}/seen; done\n` +
      `[ -d /sys/fs/cgroup/rnx/${id} ] && echo v2 >> ${dir}/seen\n` +
      `setpriv --reuid=${TEST_USER} --regid=${gid} --init-groups perl ${dir}/holder.pl > ${dir}/lock 2> ${dir}/lockerr < /dev/null &\n` +
      `echo $! > ${dir}/holder\n` +
      `i=0; while ! grep -q opened ${dir}/lock && [ ! -s ${dir}/lockerr ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done\n`,
    { mode: 0o755 },
  );
  const r = underGdb(breakAt, join(dir, 'hook.sh'), ['--runtime', TEST_RUNTIME, '--job-id', id, '--', 'sleep', '30'], TEST_USER, 'kill', LAUNCHER_PATH);
  const read = (f: string) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8') : '');
  return {
    gdb: r.stdout + r.stderr,
    seen: read('seen').trim().split('\n').filter(Boolean),
    lock: () => read('lock') + read('lockerr'),
    holder: Number(read('holder').trim()) || 0,
  };
}

describe.skipIf(!canRun)('the job registry against a caller who pins entries', () => {
  afterAll(() => {
    // nothing of these tests' ids may remain (a run as root cleans what a failed test left)
    spawnSync(LAUNCHER_PATH, ['--runtime', TEST_RUNTIME, '--', 'true']);
    for (const id of usedIds) expect(traces(id)).toEqual([]);
  });

  it("an entry is root's alone (no user can open it, so none can lock it); rnx finds the supervisor in the started event", async () => {
    const id = jobId('mode');
    const child = spawnAs(TEST_USER, LAUNCHER_PATH, ['--status-fd', '3', '--runtime', TEST_RUNTIME, '--job-id', id, '--', 'sleep', '3'], {
      stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
    });
    const closed = new Promise((r) => child.on('close', r));
    let started = '';
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (d: Buffer) => (started += d.toString()));
    try {
      expect(await waitFor(() => started.includes('\n'), 5000)).toBe(true);
      const entry = `/run/rnx/jobs/${id}`;
      expect({
        user: runAsSync(TEST_USER, 'cat', [entry]).status,
        other: runAsSync(OTHER_USER, 'cat', [entry]).status,
        mode: (statSync(entry).mode & 0o7777).toString(8),
        uid: statSync(entry).uid,
      }).toEqual({ user: 1, other: 1, mode: '600', uid: 0 });
      expect(JSON.parse(started)).toMatchObject({ event: 'started', launcher_pid: child.pid });
    } finally {
      child.kill('SIGTERM');
      await closed;
    }
  });

  it.skipIf(!haveGdb).each([
    ['its cgroups exist, PID 1 in them (arming the guard, before PID 1 may go on)', 'pidfd_open', ['entry', 'memory', 'pids', 'cpuacct', 'freezer']],
    ['the entry is named, before its first cgroup', 'mkdirat if $_streq((char*)$rsi, "ID")', ['entry']],
  ])('a launcher SIGKILLed once %s leaves nothing behind, whatever the caller locks', async (_when, breakAt, expectSeen) => {
    const id = jobId(breakAt.split(' ')[0]!);
    const dir = mkdtempSync(join(tmpdir(), 'rnx-regdos-'));
    chmodSync(dir, 0o777);
    let holder = 0;
    try {
      const a = attack(id, breakAt.replace('ID', id), dir);
      holder = a.holder;
      expect(a.gdb).toMatch(/Breakpoint 1, /);
      // the launcher was stopped where the entry (and the cgroups) existed
      const v2 = a.seen.includes('v2');
      expect(a.seen).toEqual(v2 ? expectSeen.slice(0, 1).concat(expectSeen.length > 1 ? ['v2'] : []) : expectSeen);
      expect(await waitFor(() => /locked|:/.test(a.lock()), 5000)).toBe(true);
      // what the killed launcher left is removed at once, by its guard (the next run would find nothing to do)...
      await waitFor(() => traces(id).length === 0, 5000);
      expect(traces(id)).toEqual([]);
      expect(cleanerRun().status).toBe(0);
      // ...and the caller could not even open the entry to lock it once the launcher's lock was gone
      expect(a.lock()).toMatch(/^open: Permission denied\n$/);
    } finally {
      if (holder) spawnSync('kill', ['-KILL', String(holder)]);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
