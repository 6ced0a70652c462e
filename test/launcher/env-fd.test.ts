// --env-fd FD: the job's variables read from a descriptor (KEY=VALUE records, each ending in NUL), so that they
// are not in argv, where every local user can read them (/proc/PID/cmdline of the launcher and the job's PID 1).
import { describe, it, expect, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chownSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canRun, userDir, LAUNCHER_PATH, TEST_RUNTIME } from './harness.js';
import { TEST_USER, userIds } from '../support/users.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `sh -c script` as the test user; $L is the launcher, $R the test runtime. */
function shAs(script: string): Run {
  const { gid } = userIds(TEST_USER);
  const r = spawnSync('setpriv', [`--reuid=${TEST_USER}`, `--regid=${gid}`, '--init-groups', '--', 'sh', '-c', script], {
    env: { PATH: '/usr/bin:/bin', L: LAUNCHER_PATH, R: TEST_RUNTIME },
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const dirs: string[] = [];
/** a file of the test user's (mode 0600) holding `content` */
function userFile(content: string | Buffer): string {
  const d = userDir('rnx-envfd-');
  dirs.push(d);
  const f = join(d, 'env');
  writeFileSync(f, content, { mode: 0o600 });
  chownSync(f, userIds(TEST_USER).uid, userIds(TEST_USER).gid);
  return f;
}

function expectRefused(r: Run, msg: RegExp): void {
  expect(r.code, r.stderr).toBe(125);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^rnx-launch: [^\n]+\n$/);
  expect(r.stderr).toMatch(msg);
}

describe.skipIf(!canRun)('rnx-launch --env-fd', () => {
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('gives the job the variables of a file (later than --env, so they win) and does not leave the descriptor open', () => {
    const f = userFile('TOKEN=s3cr3t with spaces=and more\0B=from-fd\0EMPTY=\0');
    const r = shAs(
      `exec $L --runtime $R --env B=from-argv --env C=argv --env-fd 4 -- sh -c 'echo "$TOKEN|$B|$C|$EMPTY|\${EMPTY+set}"; for n in 3 4 5 6 7 8 9; do [ -e /proc/$$/fd/$n ] && echo open-$n; done; true' 4<${f}`,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('s3cr3t with spaces=and more|from-fd|argv||set\n');
  });

  it('reads a pipe to its end', () => {
    const r = shAs(`printf 'A=1\\0B=2\\0' | $L --runtime $R --env-fd 4 -- sh -c 'echo "$A$B"' 4<&0 </dev/null`);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('12\n');
    const empty = shAs(`exec $L --runtime $R --env-fd 4 -- sh -c 'echo ok' 4<${userFile('')}`);
    expect(empty.stdout).toBe('ok\n');
  });

  it.each([
    ['a character device', '4</dev/null', /--env-fd 4 is not a regular file or a pipe/],
    ['a closed descriptor', '', /--env-fd 4 is not an open file descriptor/],
    ['a record without its NUL', `4<FILE:A=1\0B=2`, /the last record does not end in a NUL byte/],
    ['a bad name', `4<FILE:1A=x\0`, /--env-fd: expected KEY=VALUE .* got '1A=x'/],
    ['no =', `4<FILE:A\0`, /--env-fd: expected KEY=VALUE/],
    ['an empty record', `4<FILE:A=1\0\0`, /--env-fd: expected KEY=VALUE/],
    ['a value over 8 KiB', `4<FILE:A=${'x'.repeat(8192)}\0`, /--env-fd: expected KEY=VALUE/],
    ['257 variables', `4<FILE:${Array.from({ length: 257 }, (_, i) => `K${i}=v\0`).join('')}`, /too many environment variables for the job \(max 256/],
    ['256 variables with one --env', `4<FILE:${Array.from({ length: 256 }, (_, i) => `K${i}=v\0`).join('')}`, /too many environment variables/, '--env X=1'],
    ['more than the most it could hold', `4<FILE:${'A=b\0'.repeat(600_000)}`, /--env-fd 4: more than 256 variables of at most 8192 bytes/],
  ])('refuses %s', (_what, redirect, msg, extra = '') => {
    let redir = redirect;
    if (redirect.startsWith('4<FILE:')) redir = `4<${userFile(redirect.slice('4<FILE:'.length))}`;
    expectRefused(shAs(`exec $L --runtime $R ${extra} --env-fd 4 -- true ${redir}`), msg);
  });

  it('refuses being given twice, the --status-fd descriptor, or with --kill', () => {
    const f = userFile('A=1\0');
    expectRefused(shAs(`exec $L --runtime $R --env-fd 4 --env-fd 4 -- true 4<${f}`), /--env-fd given more than once/);
    expectRefused(shAs(`exec $L --runtime $R --status-fd 4 --env-fd 4 -- true 4<${f}`), /cannot be the same descriptor/);
    expectRefused(shAs(`exec $L --runtime $R --env-fd 2 -- true`), /--env-fd: 2 is out of range/);
    expectRefused(shAs(`exec $L --kill some-job --env-fd 4 4<${f}`), /--kill takes only a job id/);
  });
});
