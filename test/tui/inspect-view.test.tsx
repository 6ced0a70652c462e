import { afterEach, describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
import { App } from '../../components/App.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeManifest } from '../../src/runtimes/manifest.js';
import { scanTree } from '../../src/runtimes/tree.js';
import { keys, makeDeps, makeJobStore, makeRoot, makeState, theme, tick, until } from './fixtures.js';

let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup) await c();
  cleanup = [];
});

async function openInspect(size = { columns: 100, rows: 30 }) {
  const root = await makeRoot();
  const state = makeState(makeDeps(root, makeJobStore()));
  const r = render(<App state={state} theme={theme} size={size} onQuit={() => {}} />);
  cleanup.push(
    () => r.unmount(),
    () => state.stop(),
  );
  await state.start();
  await until(() => r.lastFrame()!.includes('› alpha'));
  r.stdin.write(keys.enter);
  await until(() => r.lastFrame()!.includes('Inspect alpha'));
  await until(() => r.lastFrame()!.includes('bin/'));
  return { r, state };
}

const write = async (r: { stdin: { write(s: string): void } }, ...inputs: string[]) => {
  for (const i of inputs) {
    r.stdin.write(i);
    await tick();
  }
};

describe('Inspect view', () => {
  it('shows the top-level tree with sizes and types, and expands a directory', async () => {
    const { r } = await openInspect();
    expect(r.lastFrame()).toMatch(/▸ bin\/\s+[\d.]+ KiB dir/);
    expect(r.lastFrame()).toMatch(/▸ etc\//);
    await write(r, keys.enter);
    await until(() => r.lastFrame()!.includes('▾ bin/'));
    expect(r.lastFrame()).toMatch(/busybox\s+2 KiB exec/);
    expect(r.lastFrame()).toContain('sh → /bin/busybox');
  });

  it('resolves symlinks inside the tree as the job sees them', async () => {
    const { r } = await openInspect();
    await write(r, keys.enter, 'j', 'j'); // bin/ -> busybox -> dangling
    await until(() => r.lastFrame()!.includes('/bin/dangling'));
    expect(r.lastFrame()).toContain('dangling: /nowhere does not exist in the runtime');
    await write(r, 'j');
    await until(() => r.lastFrame()!.includes('/bin/sh  link'));
    expect(r.lastFrame()).toContain('(the job sees /bin/busybox, exec)');
  });

  it('finds by name, then opens a text file with scrolling and search', async () => {
    const { r, state } = await openInspect();
    await write(r, '/', 'os-rel', keys.enter);
    await until(() => state.inspect.getState().matches.length === 2);
    expect(r.lastFrame()).toContain('find: os-rel');
    expect(r.lastFrame()).toContain('1/2');
    await write(r, keys.enter);
    await until(() => r.lastFrame()!.includes('LINE_0="value 0"'));
    expect(r.lastFrame()).toContain('/etc/os-release');
    await write(r, 'j', 'j');
    await until(() => !r.lastFrame()!.includes('LINE_0="value 0"'));
    await write(r, '/', 'value 55', keys.enter);
    await until(() => r.lastFrame()!.includes('(line 56)'));
    expect(r.lastFrame()).toContain('LINE_55');
    await write(r, keys.esc, keys.esc);
    await until(() => r.lastFrame()!.includes('Inspect alpha'));
  });

  it('follows a relative link within the tree and refuses links that climb out', async () => {
    const { r, state } = await openInspect();
    await write(r, '/', 'escape', keys.enter);
    await until(() => state.inspect.getState().rows[state.inspect.getState().cursor]?.node.name === 'escape');
    // ../../../../../etc/passwd stops at the tree's root: the job sees the runtime's /etc/passwd.
    expect(r.lastFrame()).toContain('(the job sees /etc/passwd, file)');
    await write(r, keys.enter);
    await until(() => r.lastFrame()!.includes('root:x:0:0:root:/root:/bin/sh'));
    await write(r, keys.esc);
    await write(r, '/', 'blob', keys.enter, keys.enter);
    await until(() => r.lastFrame()!.includes('is a binary file'));
  });

  it('goes back to Runtimes on Esc', async () => {
    const { r } = await openInspect({ columns: 80, rows: 24 });
    await write(r, keys.esc);
    await until(() => r.lastFrame()!.includes('Runtimes › alpha'));
  });
});

describe('file viewer, large files', () => {
  it('pages through a text file over 2 MiB a window at a time instead of refusing it', async () => {
    const root = await makeRoot();
    const dir = join(root, 'runtimes', 'alpha');
    mkdirSync(join(dir, 'isolated', 'var'), { recursive: true });
    const line = (i: number) => `L${String(i).padStart(7, '0')} ${'x'.repeat(40)}`;
    const count = 70_000; // 3.4 MB
    writeFileSync(join(dir, 'isolated', 'var', 'big.log'), Array.from({ length: count }, (_, i) => line(i)).join('\n') + '\n');
    await writeManifest(join(dir, 'manifest.jsonl'), await scanTree(join(dir, 'isolated')), { name: 'alpha', version: '1.0' });
    const state = makeState(makeDeps(root, makeJobStore()));
    const r = render(<App state={state} theme={theme} size={{ columns: 100, rows: 30 }} onQuit={() => {}} />);
    cleanup.push(
      () => r.unmount(),
      () => state.stop(),
    );
    await state.start();
    await until(() => r.lastFrame()!.includes('› alpha'));
    await write(r, keys.enter);
    await until(() => r.lastFrame()!.includes('bin/'));
    await write(r, '/', 'big.log', keys.enter);
    await until(() => r.lastFrame()!.includes('big.log'));
    await write(r, keys.enter);
    await until(() => r.lastFrame()!.includes('L0000000 x'));
    expect(r.lastFrame()).toMatch(/byte 0 of 3,500,000 \(0%, paged\)/);
    // past the end of the window held: the next one is read, the line after the last comes next
    state.inspect.getState().viewerScroll(6000);
    await until(() => /^L0006000 /m.test(r.lastFrame()!));
    await write(r, 'k');
    await until(() => /^L0005999 /m.test(r.lastFrame()!));
    await write(r, 'G');
    await until(() => r.lastFrame()!.includes(line(count - 1)));
    await write(r, 'g');
    await until(() => /^L0000000 /m.test(r.lastFrame()!));
    expect(state.inspect.getState().viewer!.lines.length).toBeLessThan(10_000);
  });
});
