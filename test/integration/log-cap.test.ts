// --log-max through the CLI, as the unprivileged test user: the record keeps the last N bytes and says how much it
// dropped; `rnx job logs` and `rnx job run`'s own copy show a gap marker and never the hole's zeros; rnx-follow
// jumps over a hole.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDropped, gapMarker } from '../../src/jobs/dropped.js';
import { followerBuildPath } from '../../src/launcher/paths.js';
import { rnx, RNX_BIN } from '../support/cli.js';
import { numberedBytes, numberedCommand, numberedSlice } from '../support/numbered.js';
import { installBusyboxRuntime, removeRuntime, tempStateDir } from '../support/runtimes.js';
import { tempFileEach } from '../support/temp-file.js';
import { TEST_USER, userIds } from '../support/users.js';

const RT = 'rnx-test-logcap-cli';
const MiB = 1 << 20;
let state: string;
let uid: number;
const run = (args: string[], env: Record<string, string> = {}) => rnx(args, { env: { RNX_STATE_DIR: state, ...env }, asUid: uid });
const json = (args: string[]) => JSON.parse(run([...args, '--json']).stdout);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function finished(id: string): Promise<Record<string, unknown>> {
  for (;;) {
    const rec = json(['job', 'status', id]);
    if (rec.state !== 'running') return rec;
    await sleep(100);
  }
}

beforeAll(() => {
  installBusyboxRuntime(RT);
  state = tempStateDir();
  uid = userIds(TEST_USER).uid;
});
afterAll(() => {
  removeRuntime(RT);
  rmSync(state, { recursive: true, force: true });
});

describe('rnx job run --log-max', () => {
  it('a 200 MB output with --log-max 16M: the record holds the last 16M, says what it dropped, and logs mark the gap', async () => {
    const n = 2_000_000;
    const r = run(['job', 'run', `--runtime=${RT}`, '-d', '--name', 'flood', '--log-max', '16M', ...numberedCommand(n)]);
    expect(r.code, r.stderr).toBe(0);
    const id = r.stdout.trim();
    const rec = await finished(id);
    const total = numberedBytes(n);
    const log = join(state, 'jobs', id, 'output.log');
    const st = statSync(log);
    expect(rec).toMatchObject({ state: 'exited', exitCode: 0, limits: { logMax: 16 * MiB } });
    expect(st.size).toBe(total);
    const drop = rec.outputDropped as number;
    expect(total - drop).toBeGreaterThanOrEqual(16 * MiB);
    expect(total - drop).toBeLessThan(17 * MiB);
    expect(st.blocks * 512).toBeLessThanOrEqual(16 * MiB + 4 * MiB);
    const logs = run(['job', 'logs', 'flood']);
    expect(logs.code).toBe(0);
    expect(logs.stderr).toBe(gapMarker(drop));
    expect(logs.stdout === numberedSlice(n, drop)).toBe(true);
    expect(run(['job', 'status', 'flood']).stdout).toContain(`(${formatDropped(drop)} of earlier output dropped)`);
    const follow = run(['job', 'logs', '-f', 'flood']);
    expect([follow.stderr, follow.stdout === logs.stdout]).toEqual([gapMarker(drop), true]);
  }, 180_000);

  it('a reader that falls behind gets the start, one gap marker on stderr and then exactly the end: no zeros', () => {
    // The reader starts only once the job has ended (its exited event is in the record): by then everything but
    // the last 8M was dropped, and rnx is still copying its first megabyte. So the gap is certain, whatever the timing.
    const own = tempStateDir();
    try {
      const n = 1_000_000; // 100 MB
      const out = join(own, 'stdout');
      const err = join(own, 'stderr');
      const script =
        `"${process.execPath}" "${RNX_BIN}" job run --runtime=${RT} --log-max 8M ${numberedCommand(n)
          .map((a) => `'${a.replace(/'/g, `'\\''`)}'`)
          .join(' ')} 2>"${err}"` + ` | { until grep -qs '"event":"exited"' "${own}"/jobs/*/events.jsonl; do sleep 0.05; done; cat > "${out}"; }`;
      const r = spawnSync('setpriv', [`--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', 'sh', '-c', script], {
        env: { ...process.env, RNX_STATE_DIR: own },
        encoding: 'utf8',
        timeout: 170_000,
      });
      expect(r.status, r.stderr).toBe(0);
      const got = readFileSync(out, 'latin1');
      expect(got.includes('\0')).toBe(false);
      const [id] = JSON.parse(rnx(['job', 'list', '--all', '--json'], { env: { RNX_STATE_DIR: own } }).stdout).map((j: { id: string }) => j.id);
      const drop = JSON.parse(rnx(['job', 'status', id, '--json'], { env: { RNX_STATE_DIR: own } }).stdout).outputDropped as number;
      const tail = numberedSlice(n, drop);
      expect(got.endsWith(tail)).toBe(true);
      const head = got.length - tail.length;
      expect(head).toBeGreaterThan(0);
      expect(head).toBeLessThanOrEqual(2 * MiB); // the chunk rnx was writing when the pipe filled, and the pipe
      expect(got.slice(0, head) === numberedSlice(n, 0, head)).toBe(true);
      expect(readFileSync(err, 'utf8')).toBe(gapMarker(drop - head));
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  }, 180_000);

  it('a bad --log-max is a usage error; 0 keeps everything where the policy allows it', async () => {
    const bad = run(['job', 'run', `--runtime=${RT}`, '--log-max', '100K', 'true']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^rnx: invalid output size "100K"[^\n]*\n$/);
    const all = run(['job', 'run', `--runtime=${RT}`, '--name', 'all', '--log-max', '0', 'true']);
    expect(all.code, all.stderr).toBe(0);
    expect(json(['job', 'status', 'all']).limits.logMax).toBe(0);
    const dflt = run(['job', 'run', `--runtime=${RT}`, '--name', 'dflt', 'true']);
    expect(dflt.code).toBe(0);
    expect(json(['job', 'status', 'dflt']).limits.logMax).toBe(1024 * MiB); // the policy's default, as the launcher applied it
    expect(run(['job', 'run', '--help']).stdout).toMatch(/--log-max <size>/);
  });
});

describe('rnx-follow over dropped output', () => {
  const tmp = tempFileEach('rnx-follow-hole-', 'output.log');
  const FOLLOWER = followerBuildPath();

  // a real hole, punched as the launcher does; the copier is given the cap (which picks sendfile or a checked read)
  it.each([
    ['1T', 'sendfile'],
    ['1M', 'checked reads'],
  ])('with LOG_MAX %s (%s): the data past the hole, and one line on stderr', (cap) => {
    const kept = Buffer.from('after the hole\n'.repeat(100_000));
    writeFileSync(tmp.file, Buffer.concat([Buffer.alloc(5 * MiB, 'a'), kept]));
    expect(spawnSync('fallocate', ['-p', '-o', '0', '-l', String(5 * MiB), tmp.file]).status).toBe(0);
    const capBytes = cap === '1T' ? 2 ** 40 : MiB;
    const r = spawnSync('sh', ['-c', `"${FOLLOWER}" "${tmp.file}" 0 ${capBytes} 3</dev/null`], { encoding: 'latin1', maxBuffer: 64 * MiB });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout === kept.toString('latin1')).toBe(true);
    expect(r.stderr).toBe(gapMarker(5 * MiB));
    // without LOG_MAX (an output that is not capped) it copies the file as it is
    const plain = spawnSync('sh', ['-c', `"${FOLLOWER}" "${tmp.file}" ${5 * MiB} 3</dev/null`], { encoding: 'latin1', maxBuffer: 64 * MiB });
    expect([plain.status, plain.stdout === kept.toString('latin1'), plain.stderr]).toEqual([0, true, '']);
  });

  it('refuses a bad LOG_MAX in one line', () => {
    writeFileSync(tmp.file, 'x');
    for (const bad of ['-1', '1M', 'x']) {
      const r = spawnSync(FOLLOWER, [tmp.file, '0', bad], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      expect([r.status, r.stderr]).toEqual([1, `rnx-follow: bad log size '${bad}'\n`]);
    }
  });
});
