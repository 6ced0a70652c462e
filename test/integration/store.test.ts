import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
  appendFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rnx, RNX_BIN } from '../support/cli.js';
import { writeBusyboxTree } from '../support/busybox.js';
import { runtimeMembers, writeTar } from '../support/archives.js';

let work: string;
let root: string;
let env: Record<string, string>;
let bbDir: string;

const visible = () => readdirSync(join(root, 'runtimes'));

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'rnx-store-'));
  chmodSync(work, 0o755);
  root = join(work, 'store');
  env = { RNX_ROOT: root };
  bbDir = join(work, 'bb');
  mkdirSync(bbDir);
  writeBusyboxTree(join(bbDir, 'isolated'));
  writeFileSync(join(bbDir, 'runtime.yml'), 'name: bb\nversion: "1.36"\nlanguage: shell\nenvironment:\n  GREETING: hello\nextra: true\n');
});

afterAll(() => {
  spawnSync('umount', ['-l', join(work, 'small')], { stdio: 'ignore' });
  rmSync(work, { recursive: true, force: true });
});

describe('install from a directory, list, info, verify', () => {
  it('installs root-owned with no group/world write bits and a manifest', () => {
    const r = rnx(['runtime', 'install', bbDir], { env });
    expect(r.stderr).toContain('unknown key "extra" ignored');
    expect(r.stdout).toMatch(/installed bb 1\.36: \d+ files/);
    expect(r.code).toBe(0);
    const dir = join(root, 'runtimes', 'bb');
    for (const f of ['runtime.yml', 'isolated', 'manifest.jsonl', 'launch.spec']) expect(existsSync(join(dir, f))).toBe(true);
    const bin = statSync(join(dir, 'isolated', 'bin', 'busybox'));
    expect(bin.uid).toBe(0);
    expect(bin.mode & 0o022).toBe(0);
    expect(lstatSync(join(dir, 'isolated', 'bin', 'sh')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'launch.spec'), 'utf8')).toContain('env GREETING=hello');
    const lines = readFileSync(join(dir, 'manifest.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const sh = lines.find((e) => e.path === 'bin/sh');
    expect(sh).toMatchObject({ type: 'symlink', target: '/bin/busybox' });
    const bb = lines.find((e) => e.path === 'bin/busybox');
    expect(bb.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(bb.size).toBeGreaterThan(100_000);
    expect(lines.some((e) => e.path === 'proc' && e.type === 'dir')).toBe(true);
  });

  it('keeps setuid and setgid bits of a tree owned by another user, and verifies intact', () => {
    const src = join(work, 'suid');
    mkdirSync(src);
    writeBusyboxTree(join(src, 'isolated'));
    writeFileSync(join(src, 'runtime.yml'), 'name: suid\nversion: "1"\n');
    const tool = join(src, 'isolated', 'bin', 'tool');
    writeFileSync(tool, '#!/bin/sh\n');
    execFileSync('chown', ['1234:1234', tool]);
    chmodSync(tool, 0o6755);
    const r = rnx(['runtime', 'install', src], { env });
    expect(r.code).toBe(0);
    const st = statSync(join(root, 'runtimes', 'suid', 'isolated', 'bin', 'tool'));
    expect(st.uid).toBe(0);
    expect(st.mode & 0o7777).toBe(0o6755);
    expect(rnx(['runtime', 'verify', 'suid'], { env }).code).toBe(0);
    expect(rnx(['runtime', 'remove', 'suid'], { env }).code).toBe(0);
  });

  it('lists and shows info, as text and JSON', () => {
    const list = rnx(['runtime', 'list'], { env });
    expect(list.stdout).toMatch(/^NAME\s+VERSION\s+LANGUAGE\s+SIZE\s+FILES\s+INSTALLED/);
    expect(list.stdout).toMatch(/\nbb\s+1\.36\s+shell\s+[\d.]+ MiB\s+\d+\s+\d{4}-/);
    const json = JSON.parse(rnx(['runtime', 'list', '--json'], { env }).stdout);
    expect(json[0]).toMatchObject({ name: 'bb', version: '1.36', language: 'shell' });
    const info = rnx(['runtime', 'info', 'bb'], { env });
    expect(info.stdout).toContain('GREETING=hello');
    expect(info.stdout).toMatch(/bin\s+[\d.]+ MiB/);
    const infoJson = JSON.parse(rnx(['runtime', 'info', 'bb', '--json'], { env }).stdout);
    expect(infoJson.spec.environment).toEqual({ GREETING: 'hello' });
    expect(infoJson.sizes.find((s: { dir: string }) => s.dir === 'bin').files).toBeGreaterThan(10);
  });

  it('verify passes on an intact tree and names modified, added and missing files', () => {
    expect(rnx(['runtime', 'verify', 'bb'], { env }).code).toBe(0);
    const tree = join(root, 'runtimes', 'bb', 'isolated');
    appendFileSync(join(tree, 'etc', 'passwd'), 'evil:x:0:0::/:/bin/sh\n');
    writeFileSync(join(tree, 'etc', 'added'), 'x');
    unlinkSync(join(tree, 'etc', 'group'));
    const r = rnx(['runtime', 'verify', 'bb', '--json'], { env });
    expect(r.code).toBe(5);
    const report = JSON.parse(r.stdout);
    expect(report.modified).toEqual([{ path: 'etc/passwd', what: expect.stringMatching(/size changed/) }]);
    expect(report.added).toEqual(['etc/added']);
    expect(report.missing).toEqual(['etc/group']);
    const text = rnx(['runtime', 'verify', 'bb'], { env });
    expect(text.stdout).toMatch(/modified\s+etc\/passwd/);
    expect(text.stdout).toContain('NOT intact');
  });

  it('verify detects same-size content changes', () => {
    rnx(['runtime', 'install', bbDir, '--force'], { env });
    const file = join(root, 'runtimes', 'bb', 'isolated', 'etc', 'group');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace('root', 'r00t'));
    const report = JSON.parse(rnx(['runtime', 'verify', 'bb', '--json'], { env }).stdout);
    expect(report.modified).toEqual([{ path: 'etc/group', what: 'content changed' }]);
  });
});

describe('pack and reinstall', () => {
  it('round-trips through an archive with deterministic order', () => {
    rnx(['runtime', 'install', bbDir, '--force'], { env });
    const a = join(work, 'a.tar.gz');
    const b = join(work, 'b.tar');
    expect(rnx(['runtime', 'pack', 'bb', '-o', a], { env }).code).toBe(0);
    expect(rnx(['runtime', 'pack', 'bb', '-o', b], { env }).code).toBe(0);
    const listA = execFileSync('tar', ['tzf', a], { encoding: 'utf8' });
    const listB = execFileSync('tar', ['tf', b], { encoding: 'utf8' });
    expect(listA).toBe(listB);
    expect(listA.split('\n')[0]).toBe('runtime.yml');
    const env2 = { RNX_ROOT: join(work, 'store2') };
    expect(rnx(['runtime', 'install', a], { env: env2 }).code).toBe(0);
    expect(rnx(['runtime', 'verify', 'bb'], { env: env2 }).code).toBe(0);
    const m1 = readFileSync(join(root, 'runtimes', 'bb', 'manifest.jsonl'), 'utf8')
      .split('\n')
      .slice(1);
    const m2 = readFileSync(join(work, 'store2', 'runtimes', 'bb', 'manifest.jsonl'), 'utf8')
      .split('\n')
      .slice(1);
    expect(m2).toEqual(m1);
  });

  it('accepts an archive whose members sit under one top directory', () => {
    const f = join(work, 'wrapped.tar.gz');
    writeTar(f, [{ name: 'wrapped', type: 'dir' }, ...runtimeMembers('wrapped').map((m) => ({ ...m, name: `wrapped/${m.name}` }))]);
    expect(rnx(['runtime', 'install', f], { env }).code).toBe(0);
    expect(existsSync(join(root, 'runtimes', 'wrapped', 'isolated', 'bin', 'hello'))).toBe(true);
    expect(rnx(['runtime', 'remove', 'wrapped'], { env }).code).toBe(0);
    expect(existsSync(join(root, 'runtimes', 'wrapped'))).toBe(false);
  });
});

describe('bad input gets a one-line error and changes nothing', () => {
  const cases: Array<[string, Parameters<typeof runtimeMembers>[1] | 'raw', RegExp, boolean?]> = [
    ['absolute', [{ name: '/etc/evil', type: 'file', data: 'x' }], /absolute path/],
    ['dotdot', [{ name: 'isolated/../../evil', type: 'file', data: 'x' }], /contains "\.\."/],
    ['hardlink-out', [{ name: 'isolated/bin/pw', type: 'hardlink', target: '/etc/passwd' }], /hard link .* outside the tree|points to/],
    ['hardlink-dotdot', [{ name: 'isolated/bin/pw', type: 'hardlink', target: '../etc/passwd' }], /hard link|contains/],
    ['device', [{ name: 'isolated/dev/null', type: 'chardev' }], /device node/],
    ['fifo', [{ name: 'isolated/tmp/fifo', type: 'fifo' }], /FIFO/],
    [
      'through-symlink',
      [
        { name: 'isolated/etc', type: 'symlink', target: '/etc' },
        { name: 'isolated/etc/passwd', type: 'file', data: 'x' },
      ],
      /through the symlink/,
    ],
    [
      'dangling-symlink-write',
      [
        { name: 'isolated/x', type: 'symlink', target: '/tmp/rnx-pwned' },
        { name: 'isolated/x', type: 'file', data: 'x' },
      ],
      /twice/,
    ],
    ['outside', [{ name: 'other.txt', type: 'file', data: 'x' }], /outside runtime\.yml and isolated/],
  ];
  it.each(cases)('%s', (label, extra, message) => {
    const f = join(work, `${label}.tar.gz`);
    writeTar(f, runtimeMembers(`bad-${label}`, extra as never));
    const before = visible();
    const r = rnx(['runtime', 'install', f], { env });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(visible()).toEqual(before);
    expect(existsSync('/tmp/rnx-pwned')).toBe(false);
  });

  it('a missing runtime.yml or isolated/', () => {
    const noSpec = join(work, 'nospec.tar');
    writeTar(noSpec, runtimeMembers('x').slice(1), false);
    expect(rnx(['runtime', 'install', noSpec], { env }).stderr).toMatch(/no runtime\.yml/);
    const noTree = join(work, 'notree.tar');
    writeTar(noTree, runtimeMembers('x').slice(0, 1), false);
    expect(rnx(['runtime', 'install', noTree], { env }).stderr).toMatch(/no isolated\/ directory/);
    const dir = join(work, 'emptydir');
    mkdirSync(dir);
    writeFileSync(join(dir, 'runtime.yml'), 'name: e\nversion: "1"\n');
    expect(rnx(['runtime', 'install', dir], { env }).stderr).toMatch(/no isolated\/ directory/);
    expect(visible()).toEqual(['bb']);
  });

  it('a truncated or corrupt archive', () => {
    const good = join(work, 'good.tar.gz');
    writeTar(good, runtimeMembers('trunc', [{ name: 'isolated/big', type: 'file', data: 'x'.repeat(300_000) }]));
    const truncated = join(work, 'truncated.tar.gz');
    execFileSync('cp', [good, truncated]);
    truncateSync(truncated, statSync(good).size - 40);
    const r1 = rnx(['runtime', 'install', truncated], { env });
    expect(r1.code).toBe(1);
    expect(r1.stderr).toMatch(/damaged archive/);
    const plain = join(work, 'trunc.tar');
    writeTar(plain, runtimeMembers('trunc', [{ name: 'isolated/big', type: 'file', data: 'x'.repeat(300_000) }]), false);
    truncateSync(plain, 100_000);
    expect(rnx(['runtime', 'install', plain], { env }).stderr).toMatch(/damaged archive/);
    const garbage = join(work, 'garbage.tar.gz');
    writeFileSync(garbage, Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.alloc(5000, 7)]));
    expect(rnx(['runtime', 'install', garbage], { env }).stderr).toMatch(/damaged archive/);
    expect(visible()).toEqual(['bb']);
  });

  it('a name clash without --force keeps the installed runtime', () => {
    const r = rnx(['runtime', 'install', bbDir], { env });
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/already installed; use --force/);
    expect(rnx(['runtime', 'verify', 'bb'], { env }).code).toBe(0);
  });

  it('bad runtime.yml is reported with its line', () => {
    const f = join(work, 'badyml.tar');
    writeTar(
      f,
      [
        { name: 'runtime.yml', type: 'file', data: 'name: ok\nversion: "1"\nworkdir: nope\n' },
        { name: 'isolated', type: 'dir' },
      ],
      false,
    );
    expect(rnx(['runtime', 'install', f], { env }).stderr).toMatch(/runtime\.yml:3: workdir must be an absolute path/);
  });

  it('no space left on the device', () => {
    const small = join(work, 'small');
    mkdirSync(small);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', small]);
    const r = rnx(['runtime', 'install', bbDir], { env: { RNX_ROOT: small } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^rnx: no space left on device/);
    expect(readdirSync(join(small, 'runtimes'))).toEqual([]);
  });

  it('unknown names and bad names', () => {
    const r = rnx(['runtime', 'info', 'nope'], { env });
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('rnx: unknown runtime "nope"; installed: bb\n');
    expect(rnx(['runtime', 'verify', '../x'], { env }).stderr).toMatch(/invalid runtime name/);
    expect(rnx(['runtime', 'install', join(work, 'does-not-exist.tar')], { env }).stderr).toMatch(/no such file/);
  });

  it('installing and removing as another user says it needs root', () => {
    const r = rnx(['runtime', 'install', bbDir], { env, asUid: 65534 });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/needs root .* run: sudo rnx runtime install/);
    const rm = rnx(['runtime', 'remove', 'bb'], { env, asUid: 65534 });
    expect(rm.code).toBe(4);
    expect(existsSync(join(root, 'runtimes', 'bb'))).toBe(true);
  });
});

describe('verify and check as a plain user', () => {
  it('check what the user can read, and say which root-only files were skipped', () => {
    const src = join(work, 'rootonly');
    mkdirSync(src);
    writeBusyboxTree(join(src, 'isolated'));
    mkdirSync(join(src, 'isolated', 'root'), { recursive: true });
    writeFileSync(join(src, 'isolated', 'root', '.profile'), 'x\n');
    chmodSync(join(src, 'isolated', 'root'), 0o700);
    writeFileSync(join(src, 'isolated', 'etc-shadow'), 'secret\n', { mode: 0o600 });
    writeFileSync(join(src, 'runtime.yml'), 'name: rootonly\nversion: "1"\n');
    expect(rnx(['runtime', 'install', src], { env }).code).toBe(0);

    const v = rnx(['runtime', 'verify', 'rootonly'], { env, asUid: 65534 });
    expect(v.stderr).toBe('');
    expect(v.stdout).toContain('skipped   etc-shadow: readable by root only');
    expect(v.stdout).toContain('skipped   root/.profile: readable by root only');
    expect(v.stdout).toMatch(/rootonly: intact \(\d+ entries checked; 2 root-only skipped\)/);
    expect(v.code).toBe(0);
    const json = JSON.parse(rnx(['runtime', 'verify', 'rootonly', '--json'], { env, asUid: 65534 }).stdout);
    expect(json.skipped).toEqual(['etc-shadow', 'root/.profile']);

    const c = rnx(['runtime', 'check', 'rootonly'], { env, asUid: 65534 });
    expect(c.stdout).toMatch(/rootonly: self-contained \(.*; 2 root-only skipped\)/);
    expect(c.code).toBe(0);

    // what the user can read is still checked: a changed readable file fails verify
    writeFileSync(join(root, 'runtimes', 'rootonly', 'isolated', 'bin', 'busybox'), 'tampered');
    const bad = rnx(['runtime', 'verify', 'rootonly'], { env, asUid: 65534 });
    expect(bad.stdout).toContain('modified  bin/busybox');
    expect(bad.code).toBe(5);
    // root sees everything
    expect(rnx(['runtime', 'verify', 'rootonly'], { env }).stdout).not.toContain('skipped');
    expect(rnx(['runtime', 'remove', 'rootonly'], { env }).code).toBe(0);
  });
});

describe('a store path that does not exist yet', () => {
  it('is created readable by everyone, even under umask 077, and other users can list it', () => {
    const fresh = join(work, 'fresh', 'opt', 'rnx');
    const r = spawnSync('sh', ['-c', `umask 077; exec "$0" "$@"`, process.execPath, RNX_BIN, 'runtime', 'install', bbDir], {
      encoding: 'utf8',
      env: { ...process.env, RNX_ROOT: fresh },
    });
    expect(r.stderr).not.toMatch(/Error|at /);
    expect(r.status).toBe(0);
    for (const d of [join(work, 'fresh'), join(work, 'fresh', 'opt'), fresh, join(fresh, 'runtimes')]) {
      expect((statSync(d).mode & 0o777).toString(8), d).toBe('755');
    }
    const list = rnx(['runtime', 'list'], { env: { RNX_ROOT: fresh }, asUid: 65534 });
    expect(list.stdout).toMatch(/^bb\s+1\.36/m);
    expect(list.code).toBe(0);
    // and every file of it is theirs to read: the manifest, runtime.yml and launch.spec too
    const verify = rnx(['runtime', 'verify', 'bb'], { env: { RNX_ROOT: fresh }, asUid: 65534 });
    expect(verify.stdout).toMatch(/^bb: intact/m);
    expect(verify.code).toBe(0);
    rmSync(join(work, 'fresh'), { recursive: true, force: true });
  });

  it('a store other users cannot read is named as such, not reported empty', () => {
    const priv = join(work, 'private-store');
    expect(rnx(['runtime', 'install', bbDir], { env: { RNX_ROOT: priv } }).code).toBe(0);
    chmodSync(priv, 0o700);
    for (const args of [
      ['runtime', 'list'],
      ['runtime', 'info', 'bb'],
      ['job', 'run', '--runtime=bb', 'true'],
    ]) {
      const r = rnx(args, { env: { RNX_ROOT: priv }, asUid: 65534 });
      expect(r.stderr.trim(), args.join(' ')).toBe(`rnx: cannot read ${priv}: permission denied`);
      expect(r.code).toBe(4);
    }
    rmSync(priv, { recursive: true, force: true });
  });
});

describe('interrupted installs', () => {
  it('leave no visible runtime, and the next run removes the staging debris', async () => {
    const big = join(work, 'big.tar');
    const members = runtimeMembers('big');
    for (let i = 0; i < 40; i++) members.push({ name: `isolated/f${i}`, type: 'file', data: 'z'.repeat(2_000_000) });
    writeTar(big, members, false);
    const child = spawn(process.execPath, [RNX_BIN, 'runtime', 'install', big], { env: { ...process.env, ...env }, stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    while (!visible().some((n) => n.startsWith('.staging-')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(visible().filter((n) => !n.startsWith('.'))).toEqual(['bb']);
    expect(visible().some((n) => n.startsWith('.staging-'))).toBe(true);
    rnx(['runtime', 'install', bbDir], { env });
    expect(visible()).toEqual(['bb']);
  });

  it('--force replaces only once the new runtime is ready', () => {
    const f = join(work, 'bad-force.tar');
    writeTar(
      f,
      [
        { name: 'runtime.yml', type: 'file', data: 'name: bb\nversion: "2"\n' },
        { name: 'isolated', type: 'dir' },
        { name: 'isolated/dev/null', type: 'chardev' },
      ],
      false,
    );
    expect(rnx(['runtime', 'install', f, '--force'], { env }).code).toBe(1);
    expect(JSON.parse(rnx(['runtime', 'info', 'bb', '--json'], { env }).stdout).version).toBe('1.36');
  });
});

describe('help', () => {
  it.each(['list', 'info', 'install', 'pack', 'verify', 'remove'])('runtime %s --help', (c) => {
    const r = rnx(['runtime', c, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: rnx runtime /);
  });

  it('rnx --version prints the package version', () => {
    const r = rnx(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version);
  });
});
