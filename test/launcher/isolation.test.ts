// What a job sees: the caller's identity with nothing privileged, and nothing of the host.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, readFileSync, rmSync, writeFileSync, existsSync, mkdtempSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { canRun, launch, sh, userDir, TEST_RUNTIME } from './harness.js';
import { userIds, TEST_USER, runAsSync } from '../support/users.js';
import { installTestRuntime, removeRuntime, buildShowIds } from '../support/launcher-fixture.js';

const SUID_RUNTIME = 'rnx-test-suid';

describe.skipIf(!canRun)('rnx-launch isolation', () => {
  let ids: { uid: number; gid: number };
  let showIdsHost: string;
  beforeAll(() => {
    ids = userIds(TEST_USER);
    const dir = mkdtempSync(join(tmpdir(), 'rnx-showids-'));
    chmodSync(dir, 0o755);
    showIdsHost = join(dir, 'showids');
    buildShowIds(showIdsHost);
    installTestRuntime(SUID_RUNTIME, {
      customize: (iso) => {
        copyFileSync(showIdsHost, join(iso, 'bin', 'showids'));
      },
    });
    // setuid root inside the (root-owned) tree
    for (const f of ['showids']) chmodSync(join('/opt/rnx/runtimes', SUID_RUNTIME, 'isolated', 'bin', f), 0o4755);
    chmodSync(showIdsHost, 0o4755);
  });
  afterAll(() => {
    removeRuntime(SUID_RUNTIME);
    rmSync(join(showIdsHost, '..'), { recursive: true, force: true });
  });

  it('runs as the caller with no capabilities, no_new_privs and seccomp', async () => {
    const r = await sh('id -u; id -g; id -G; cat /proc/self/status');
    expect(r.code, r.stderr).toBe(0);
    const [uid, gid, groups] = r.stdout.split('\n');
    expect(Number(uid)).toBe(ids.uid);
    expect(Number(gid)).toBe(ids.gid);
    expect(groups?.trim()).toBe(String(ids.gid));
    const status = r.stdout;
    for (const cap of ['CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb']) {
      expect(status).toMatch(new RegExp(`${cap}:\\s+0000000000000000`));
    }
    expect(status).toMatch(/NoNewPrivs:\s+1/);
    expect(status).toMatch(/Seccomp:\s+2/);
    expect(status).toMatch(new RegExp(`Uid:\\s+${ids.uid}\\s+${ids.uid}\\s+${ids.uid}\\s+${ids.uid}`));
    expect(status).toMatch(new RegExp(`Gid:\\s+${ids.gid}\\s+${ids.gid}\\s+${ids.gid}\\s+${ids.gid}`));
  });

  it('setuid-root binaries inside the runtime do not elevate', async () => {
    // sanity: outside, the same program does become root
    const host = runAsSync(TEST_USER, showIdsHost, []);
    expect(host.stdout.trim()).toBe(`${ids.uid} 0`);
    const r = await launch(['--runtime', SUID_RUNTIME, '--', 'sh', '-c', 'ls -ln /bin/showids; /bin/showids; cat /proc/self/mountinfo']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^-rwsr-xr-x\s+\d+\s+0\s+0/);
    expect(lines[1]).toBe(`${ids.uid} ${ids.uid}`);
    expect(lines.find((l) => l.split(' ')[4] === '/')).toMatch(/nosuid/);
  });

  it('hides host processes, hostname, network interfaces, IPC objects and files', async () => {
    const shmid = execFileSync('ipcmk', ['-M', '4096'], { encoding: 'utf8' }).match(/(\d+)/)?.[1];
    const marker = join('/tmp', `rnx-host-marker-${process.pid}`);
    writeFileSync(marker, 'host');
    try {
      const r = await sh(
        `ls /proc | grep -c '^[0-9]'; kill -0 ${process.pid} 2>/dev/null && echo host-pid-visible; hostname; ` +
          `cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d ' ' | tr '\\n' ,; echo; ` +
          `cat /proc/sysvipc/shm | tail -n +2 | wc -l; ls ${marker} 2>&1; ls /; cat /etc/passwd`,
      );
      expect(r.code, r.stderr).toBe(0);
      const out = r.stdout.split('\n');
      expect(Number(out[0])).toBeLessThan(8);
      expect(r.stdout).not.toContain('host-pid-visible');
      expect(out[1]).toBe(TEST_RUNTIME);
      expect(out[1]).not.toBe(hostname());
      expect(out[2]).toBe('lo,');
      expect(Number(out[3])).toBe(0);
      expect(out[4]).toMatch(/No such file/);
      expect(r.stdout).toContain('root:x:0:0:root:/root:/bin/sh');
      expect(r.stdout).not.toContain(`${TEST_USER}:`);
    } finally {
      rmSync(marker, { force: true });
      if (shmid) execFileSync('ipcrm', ['-m', shmid]);
    }
  });

  it('brings lo up and honours --hostname', async () => {
    const r = await sh('cat /sys/class/net/lo/operstate 2>/dev/null; ip -o link show lo; hostname', ['--hostname', 'box-1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/lo: <LOOPBACK,UP/);
    expect(r.stdout.trim().endsWith('box-1')).toBe(true);
  });

  it('the tree is read-only; /tmp, writable paths and the workdir are writable', async () => {
    const wd = userDir();
    try {
      const r = await sh(
        'touch /bin/x 2>/dev/null && echo tree-writable; touch /etc/x 2>/dev/null && echo etc-writable; ' +
          'echo a > /tmp/a && echo tmp-ok; echo b > /var/tmp/b && echo vartmp-ok; pwd; echo c > out && echo wd-ok; ' +
          'cat /proc/self/mountinfo; ' +
          'echo 1 > /proc/sysrq-trigger 2>/dev/null && echo sysrq-writable; ls /dev | tr "\\n" " "',
        ['--workdir', wd],
      );
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).not.toContain('writable');
      expect(r.stdout).toContain('tmp-ok');
      expect(r.stdout).toContain('vartmp-ok');
      expect(r.stdout).toContain('/work\n');
      expect(r.stdout).toContain('wd-ok');
      expect(readFileSync(join(wd, 'out'), 'utf8')).toBe('c\n');
      const mounts = new Map(
        r.stdout
          .split('\n')
          .filter((l) => /^\d+ \d+ /.test(l))
          .map((l) => [l.split(' ')[4], l.split(' ')[5] ?? ''] as const),
      );
      expect(mounts.get('/')).toMatch(/^ro,nosuid,nodev/);
      expect(mounts.get('/proc')).toMatch(/nosuid,nodev,noexec/);
      expect(mounts.get('/proc/sys')).toMatch(/^ro,/);
      const dev = r.stdout.trim().split('\n').pop()!.trim().split(/\s+/).sort();
      expect(dev).toEqual(['fd', 'full', 'null', 'ptmx', 'pts', 'random', 'shm', 'stderr', 'stdin', 'stdout', 'tty', 'urandom', 'zero'].sort());
    } finally {
      rmSync(wd, { recursive: true, force: true });
    }
  });

  it('refuses a workdir the caller cannot write, and one reached through a symlink', async () => {
    const rootOnly = mkdtempSync(join(tmpdir(), 'rnx-rootwd-'));
    chmodSync(rootOnly, 0o755);
    const wd = userDir();
    const link = `${wd}-link`;
    execFileSync('ln', ['-s', wd, link]);
    try {
      const a = await sh('echo no', ['--workdir', rootOnly]);
      expect(a.code).toBe(125);
      expect(a.stderr).toMatch(/^rnx-launch: .*not writable by you\n$/);
      const b = await sh('echo no', ['--workdir', link]);
      expect(b.code).toBe(125);
      expect(b.stderr).toMatch(/symlink/);
      expect(b.stderr.split('\n').length).toBe(2);
      const c = await sh('echo no', ['--workdir', '/etc/shadow']);
      expect(c.code).toBe(125);
    } finally {
      rmSync(rootOnly, { recursive: true, force: true });
      rmSync(link, { force: true });
      rmSync(wd, { recursive: true, force: true });
    }
  });

  it('builds the environment from launch.spec and --env only; LD_PRELOAD and friends do not pass', async () => {
    const r = await launch(['--runtime', TEST_RUNTIME, '--env', 'FOO=bar baz', '--', 'env'], {
      env: {
        PATH: '/usr/bin:/bin',
        TERM: 'xterm-256color',
        LD_PRELOAD: '/tmp/does-not-exist.so',
        LD_LIBRARY_PATH: '/tmp',
        LD_AUDIT: '/tmp/x.so',
        GCONV_PATH: '/tmp',
        HOSTILE: 'yes',
      },
    });
    expect(r.code, r.stderr).toBe(0);
    const env = Object.fromEntries(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    expect(env.FOO).toBe('bar baz');
    expect(env.LANG).toBe('C.UTF-8');
    expect(env.RNX_RUNTIME).toBe(TEST_RUNTIME);
    expect(env.HOME).toBe('/tmp');
    expect(env.TERM).toBe('xterm-256color');
    expect(env.PATH).toBe('/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
    for (const k of ['LD_PRELOAD', 'LD_LIBRARY_PATH', 'LD_AUDIT', 'GCONV_PATH', 'HOSTILE']) expect(env[k]).toBeUndefined();
    // (setpriv, which is not setuid, may complain about LD_PRELOAD; the launcher itself says nothing)
    expect(r.stderr).not.toContain('rnx-launch');
  });

  it('drops an unsafe TERM', async () => {
    const r = await launch(['--runtime', TEST_RUNTIME, '--', 'env'], { env: { PATH: '/usr/bin:/bin', TERM: 'x;$(reboot)' } });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('TERM=');
  });

  it('passes only fds 0, 1 and 2 into the job, never the status fd', async () => {
    const r = await sh('ls /proc/self/fd | tr "\\n" " "', [], { status: true });
    expect(r.code, r.stderr).toBe(0);
    // ls itself opens one fd for the directory listing
    expect(
      r.stdout
        .trim()
        .split(' ')
        .map(Number)
        .filter((n) => n > 3),
    ).toEqual([]);
    expect(r.stdout.trim().split(' ')).not.toContain('4');
  });

  it('reopens closed stdin/stdout/stderr on /dev/null before anything else', async () => {
    const wd = userDir();
    try {
      const { spawnSync } = await import('node:child_process');
      const script = `exec 0<&- 1>&- 2>&-; exec setpriv --reuid=${TEST_USER} --regid=${ids.gid} --init-groups /usr/local/libexec/rnx/rnx-launch --runtime ${TEST_RUNTIME} --workdir ${wd} -- sh -c 'a=$(readlink /proc/$$/fd/0); b=$(readlink /proc/$$/fd/1); c=$(readlink /proc/$$/fd/2); echo $a $b $c done > out'`;
      const r = spawnSync('sh', ['-c', script], { encoding: 'utf8' });
      expect(r.status).toBe(0);
      // glibc's AT_SECURE start-up already fills a closed stdin with /dev/full (write-only) before main();
      // the launcher's own check then finds nothing left to do. Either way no job fd is left dangling.
      expect(readFileSync(join(wd, 'out'), 'utf8')).toMatch(/^\/dev\/(null|full) \/dev\/null \/dev\/null done\n$/);
    } finally {
      rmSync(wd, { recursive: true, force: true });
    }
  });

  it('seccomp: TIOCSTI refused (also with high bits set), x32 system calls kill the process', async () => {
    const wd = userDir();
    try {
      writeFileSync(
        join(wd, 't.c'),
        '#include <stdio.h>\n#include <unistd.h>\n#include <errno.h>\n#include <sys/syscall.h>\n#include <sys/ioctl.h>\n' +
          'int main(void){char c=0;long a=syscall(SYS_ioctl,0,0x100000000UL|TIOCSTI,&c);int ea=errno;long b=syscall(SYS_ioctl,0,TIOCSTI,&c);' +
          'printf("%ld %d %ld %d\\n",a,ea,b,errno);fflush(stdout);syscall(0x40000000|39);puts("x32-ran");return 0;}\n',
      );
      execFileSync('gcc', ['-static', '-O1', '-o', join(wd, 't'), join(wd, 't.c')]);
      const r = await launch(['--runtime', TEST_RUNTIME, '--workdir', wd, '--', './t']);
      expect(r.stdout).toBe('-1 1 -1 1\n');
      expect(r.code).toBe(128 + 31);
    } finally {
      rmSync(wd, { recursive: true, force: true });
    }
  });

  it('blocks new user namespaces and mounts', async () => {
    // busybox has no ioctl applet; unshare -U exercises the user-namespace rule
    const r = await sh('unshare -U true 2>&1; echo rc=$?; mount -t tmpfs x /tmp 2>&1; echo rc=$?');
    expect(r.stdout).toMatch(/rc=[1-9]/);
    expect(r.stdout).not.toMatch(/rc=0/);
    expect(existsSync('/proc/self/status')).toBe(true);
  });
});
