import { afterEach, describe, expect, it, vi } from 'vitest';
import { render } from 'ink-testing-library';
import { App } from '../../components/App.js';
import type { JobStore } from '../../src/jobs/store.js';
import type { JobRecord } from '../../src/jobs/types.js';
import { splitWords, validate, EMPTY_VALUES } from '../../src/state/launch-store.js';
import { keys, makeDeps, makeJobStore, makeRoot, makeState, theme, tick, until, writeJob } from './fixtures.js';

let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup) await c();
  cleanup = [];
});

const write = async (r: { stdin: { write(s: string): void } }, ...inputs: string[]) => {
  for (const i of inputs) {
    r.stdin.write(i);
    await tick();
  }
};

describe('Launch form', () => {
  it('splits commands like a shell and validates limits with the CLI parsers', () => {
    expect(splitWords(`python -c "print('a b')" x\\ y`)).toEqual(['python', '-c', "print('a b')", 'x y']);
    expect(() => splitWords('echo "open')).toThrow(/unclosed/);
    const v = validate({ ...EMPTY_VALUES, runtime: 'alpha', command: 'ls', memory: 'lots', pids: '0', env: 'A=1 2B=3' }, ['alpha']);
    expect(v.request).toBeUndefined();
    expect(v.errors.memory).toMatch(/use a size like 512M/);
    expect(v.errors.pids).toMatch(/whole number/);
    expect(v.errors.env).toMatch(/KEY=VALUE/);
    const ok = validate({ ...EMPTY_VALUES, runtime: 'alpha', command: 'sh -c "echo hi"', memory: '64M', cpu: '50', pids: '32', network: 'host', env: 'A=1' }, [
      'alpha',
    ]);
    expect(ok.request).toEqual({
      runtime: 'alpha',
      command: ['sh', '-c', 'echo hi'],
      limits: { network: 'host', memory: 64 << 20, cpu: 50, pids: 32 },
      env: { A: '1' },
    });
  });

  it('shows inline errors, launches a valid job and opens it in the Jobs view', async () => {
    const root = await makeRoot();
    const store = makeJobStore();
    const startJob = vi.fn(async (s: JobStore, req: { runtime: string; command: string[] }) =>
      writeJob(
        s,
        { id: 'cccccccccccc', runtime: req.runtime, command: req.command, state: 'running', endedAt: undefined, exitCode: undefined },
        'hello from the job\n',
      ),
    );
    const state = makeState(makeDeps(root, store, { startJob, listJobs: (s) => s.ids().map((id) => s.readRaw(id)) }));
    const r = render(<App state={state} theme={theme} size={{ columns: 80, rows: 24 }} onQuit={() => {}} />);
    cleanup.push(
      () => r.unmount(),
      () => state.stop(),
    );
    await state.start();
    await until(() => r.lastFrame()!.includes('› alpha'));
    await write(r, 'j', '3');
    await until(() => r.lastFrame()!.includes('Launch a job'));
    expect(r.lastFrame()).toContain('‹ beta ›');
    await write(r, keys.up, keys.left); // runtime: beta -> alpha
    expect(r.lastFrame()).toContain('‹ alpha ›');
    await write(r, keys.down, 'echo hi', keys.down, keys.down, '12Q');
    await until(() => r.lastFrame()!.includes('use a size like 512M'));
    await write(r, keys.enter);
    expect(startJob).not.toHaveBeenCalled();
    await write(r, keys.backspace, keys.backspace, keys.backspace, '64M', keys.enter);
    await until(() => startJob.mock.calls.length === 1);
    expect(startJob.mock.calls[0]![1]).toMatchObject({ runtime: 'alpha', command: ['echo', 'hi'], limits: { network: 'none', memory: 64 << 20 } });
    await until(() => r.lastFrame()!.includes('hello from the job'));
    expect(r.lastFrame()).toContain('Jobs › cccccccccccc › output');
    expect(r.lastFrame()).toContain('started job cccccccccccc');
  });

  it('R launches again with every setting of the record: name, timeout, cores, output kept, exact memory; a multi-line command stays on one line', async () => {
    const root = await makeRoot();
    const store = makeJobStore();
    writeJob(store, {
      id: 'eeeeeeeeeeee',
      name: 'nightly',
      command: ['python3', '-c', 'import sys\nprint(1)\tx'],
      limits: { network: 'host', memory: 1536 << 20, cpu: 150, pids: 64, cores: '0', timeout: 90, logMax: 64 << 20 },
      workdir: '/tmp',
      env: { A: '1', B: 'two words' },
    });
    const startJob = vi.fn(async (s: JobStore, _req: unknown) => writeJob(s, { id: 'ffffffffffff' }));
    const state = makeState(makeDeps(root, store, { startJob, listJobs: (s) => s.ids().map((id) => s.readRaw(id)) }), { initialView: 'jobs' });
    const r = render(<App state={state} theme={theme} size={{ columns: 100, rows: 30 }} onQuit={() => {}} />);
    cleanup.push(
      () => r.unmount(),
      () => state.stop(),
    );
    await state.start();
    await until(() => r.lastFrame()!.includes('nightly'));
    await write(r, 'R');
    await until(() => r.lastFrame()!.includes('Launch a job'));
    const f = r.lastFrame()!;
    expect(f).toContain("python3 -c 'import sys\\nprint(1)\\tx'");
    expect(f).not.toMatch(/^print\(1\)/m);
    for (const shown of ['nightly', '1536M', '150', '64', 'Cores      0', '90s', '64M', '‹ host ›', "A=1 'B=two words'"]) expect(f).toContain(shown);
    await write(r, '\u0013'); // ^S
    await until(() => startJob.mock.calls.length === 1);
    expect(startJob.mock.calls[0]![1]).toMatchObject({
      runtime: 'alpha',
      name: 'nightly',
      command: ['python3', '-c', 'import sys\nprint(1)\tx'],
      limits: { network: 'host', memory: 1536 << 20, cpu: 150, pids: 64, cores: '0', timeout: 90, logMax: 64 << 20 },
      workdir: '/tmp',
      env: { A: '1', B: 'two words' },
    });
  });

  it('types q into a field instead of quitting, and leaves with Esc', async () => {
    const root = await makeRoot();
    const onQuit = vi.fn();
    const state = makeState(makeDeps(root, makeJobStore()), { initialView: 'launch' });
    const r = render(<App state={state} theme={theme} size={{ columns: 100, rows: 30 }} onQuit={onQuit} />);
    cleanup.push(
      () => r.unmount(),
      () => state.stop(),
    );
    await state.start();
    await write(r, 'q');
    expect(onQuit).not.toHaveBeenCalled();
    expect(state.launch.getState().values.command).toBe('q');
    await write(r, keys.esc);
    await until(() => r.lastFrame()!.includes('Runtimes › alpha'));
  });
});

describe('Help', () => {
  it('lists the keys of the current view from the table, and closes with Esc', async () => {
    const root = await makeRoot();
    const store = makeJobStore();
    writeJob(store, { id: 'dddddddddddd' } as Partial<JobRecord> & { id: string }, 'x\n');
    const state = makeState(makeDeps(root, store));
    const r = render(<App state={state} theme={theme} size={{ columns: 100, rows: 40 }} onQuit={() => {}} />);
    cleanup.push(
      () => r.unmount(),
      () => state.stop(),
    );
    await state.start();
    await until(() => r.lastFrame()!.includes('› alpha'));
    await write(r, '?');
    await until(() => r.lastFrame()!.includes('Help: Runtimes'));
    expect(r.lastFrame()).toMatch(/v\s+verify against the manifest/);
    expect(r.lastFrame()).toMatch(/x\s+open a shell inside the runtime/);
    expect(r.lastFrame()).not.toContain('stop the job');
    await write(r, keys.esc, '2', '?');
    await until(() => r.lastFrame()!.includes('Help: Jobs'));
    expect(r.lastFrame()).toMatch(/S\s+stop the job/);
    await write(r, 'q');
    await until(() => !r.lastFrame()!.includes('Help:'));
  });
});
