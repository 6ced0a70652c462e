import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { processHandleClass, spawnWithChildProcess, spawnWithHandle, type SpawnedProcess, type SpawnRequest } from '../../src/util/spawn-with-fds.js';
import { tempFileEach } from '../support/temp-file.js';

it("Node's process handle is there, so the job path uses it", () => {
  expect(processHandleClass()).toBeTypeOf('function');
});

it('is not used where process.binding would warn (--pending-deprecation)', () => {
  const saved = process.env.NODE_PENDING_DEPRECATION;
  process.env.NODE_PENDING_DEPRECATION = '1';
  try {
    expect(processHandleClass()).toBeUndefined();
  } finally {
    if (saved === undefined) delete process.env.NODE_PENDING_DEPRECATION;
    else process.env.NODE_PENDING_DEPRECATION = saved;
  }
});

const handleClass = processHandleClass()!;
describe.each<[string, (req: SpawnRequest) => SpawnedProcess]>([
  ['the process handle', (req) => spawnWithHandle(handleClass, req)],
  ['node:child_process', spawnWithChildProcess],
])('spawning through %s', (_, spawnVia) => {
  const spawn = (req: Partial<SpawnRequest> & Pick<SpawnRequest, 'file' | 'args'>) =>
    spawnVia({ stdio: ['ignore', 'ignore', 'ignore'], env: {}, detached: false, ...req });
  const tmp = tempFileEach('rnx-spawn-', 'out');
  /** A file in this test's directory, open for appending. */
  const tempFile = (name = 'out'): { path: string; fd: number } => {
    const path = join(tmp.dir, name);
    return { path, fd: openSync(path, 'a') };
  };

  it('reports the exit code', async () => {
    const p = spawn({ file: '/bin/sh', args: ['-c', 'exit 7'] });
    expect(p.pid).toBeGreaterThan(0);
    expect(await p.exited).toEqual({ code: 7, signal: null });
  });

  it('reports the signal that ended it', async () => {
    const p = spawn({ file: '/bin/sh', args: ['-c', 'kill -TERM $$'] });
    expect(await p.exited).toEqual({ code: null, signal: 'SIGTERM' });
  });

  it('gives the child our descriptors as its stdio and fd 3, and only the environment asked for', async () => {
    const out = tempFile();
    const extra = tempFile('extra');
    try {
      const p = spawn({
        file: '/bin/sh',
        args: ['-c', 'echo out; echo err >&2; echo three >&3; /usr/bin/env >&3'],
        stdio: ['ignore', out.fd, out.fd, extra.fd],
        env: { ONLY: 'this' },
      });
      expect(await p.exited).toEqual({ code: 0, signal: null });
    } finally {
      closeSync(out.fd);
      closeSync(extra.fd);
    }
    expect(readFileSync(out.path, 'utf8')).toBe('out\nerr\n');
    // dash adds PWD to what it exports; nothing of ours leaks through
    const lines = readFileSync(extra.path, 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('PWD='));
    expect(lines).toEqual(['three', 'ONLY=this']);
  });

  it('inherit passes the same descriptor of ours', async () => {
    // stdin of this test process is inherited: the child sees the same open file
    const p = spawn({ file: '/bin/sh', args: ['-c', '[ "$(readlink /proc/self/fd/0)" = "$0" ]', readlinkOwn(0)], stdio: ['inherit', 'ignore', 'ignore'] });
    expect((await p.exited).code).toBe(0);
  });

  it.each([
    [true, true],
    [false, false],
  ])('detached %s: a session of its own %s', async (detached, own) => {
    const out = tempFile();
    let pid: number | undefined;
    try {
      const p = spawn({ file: '/bin/cat', args: ['/proc/self/stat'], stdio: ['ignore', out.fd, 'ignore'], detached });
      pid = p.pid;
      await p.exited;
    } finally {
      closeSync(out.fd);
    }
    // pid (comm) state ppid pgrp session
    const fields = readFileSync(out.path, 'utf8')
      .replace(/^.*\) /, '')
      .split(' ');
    const [pgrp, session] = [Number(fields[2]), Number(fields[3])];
    expect(pgrp === pid && session === pid).toBe(own);
  });

  it('refuses a NUL byte in an argument or the environment instead of cutting it short', () => {
    expect(() => spawn({ file: '/bin/true', args: ['a\0b'] })).toThrow(/null bytes|NUL byte/);
    expect(() => spawn({ file: '/bin/true', args: [], env: { A: 'x\0y' } })).toThrow(/null bytes|NUL byte/);
  });

  it('a program that is not there: no pid, and the exit says 125', async () => {
    const p = spawn({ file: '/nonexistent/rnx-launch', args: [] });
    expect(p.pid).toBeUndefined();
    expect(await p.exited).toEqual({ code: 125, signal: null });
  });
});

it('unref lets node exit while the process still runs', () => {
  const module = new URL('../../dist/src/util/spawn-with-fds.js', import.meta.url).pathname;
  const script = `import { spawnWithFds } from ${JSON.stringify(module)};
    const p = spawnWithFds({ file: '/bin/sleep', args: ['30'], stdio: ['ignore', 'ignore', 'ignore'], env: {}, detached: true });
    p.unref();
    console.log(p.pid);`;
  const started = Date.now();
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
  expect(r.status).toBe(0);
  expect(Date.now() - started).toBeLessThan(10_000);
  const pid = Number(r.stdout.trim());
  expect(() => process.kill(pid, 0)).not.toThrow();
  process.kill(pid, 'SIGKILL');
});

function readlinkOwn(fd: number): string {
  return spawnSync('readlink', [`/proc/${process.pid}/fd/${fd}`], { encoding: 'utf8' }).stdout.trim();
}

describe('a process handle that behaves unexpectedly (a newer Node changed its internals)', () => {
  const req: SpawnRequest = { file: '/bin/sh', args: ['-c', 'exit 5'], stdio: ['ignore', 'ignore', 'ignore'], env: {}, detached: false };
  it.each([
    [
      'throws from spawn',
      () => {
        throw new TypeError('The "options.stdio" property must be of type object');
      },
    ],
    ['returns an error for options it no longer takes', () => -22],
  ])('falls back to node:child_process when the handle %s', async (_, spawnImpl) => {
    class Changed {
      onexit = () => {};
      spawn = spawnImpl;
      close() {}
      unref() {}
    }
    const p = spawnWithHandle(Changed as unknown as Parameters<typeof spawnWithHandle>[0], req);
    expect(p.pid).toBeGreaterThan(0);
    expect(await p.exited).toEqual({ code: 5, signal: null });
  });

  it('falls back when the handle cannot even be created', async () => {
    class Broken {
      constructor() {
        throw new Error('Illegal constructor');
      }
    }
    const p = spawnWithHandle(Broken as unknown as Parameters<typeof spawnWithHandle>[0], req);
    expect(await p.exited).toEqual({ code: 5, signal: null });
  });
});
