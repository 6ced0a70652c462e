// Builds a tiny real root filesystem from Debian's busybox-static package (no host files copied in).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync, cpSync } from 'node:fs';
import { join } from 'node:path';

const DEB_CACHE = '/var/cache/rnx/test-debs';

function busyboxDeb(): string {
  mkdirSync(DEB_CACHE, { recursive: true });
  const have = readdirSync(DEB_CACHE).find((f) => f.startsWith('busybox-static_') && f.endsWith('.deb'));
  if (have) return join(DEB_CACHE, have);
  execFileSync('apt-get', ['download', 'busybox-static'], { cwd: DEB_CACHE, stdio: 'pipe' });
  const got = readdirSync(DEB_CACHE).find((f) => f.startsWith('busybox-static_') && f.endsWith('.deb'));
  if (!got) throw new Error('apt-get download busybox-static produced no .deb');
  return join(DEB_CACHE, got);
}

let template: string | undefined;

/** Writes a busybox root filesystem into `dest` (which must not exist yet). */
export function writeBusyboxTree(dest: string): void {
  if (!template) {
    template = join(DEB_CACHE, 'busybox-tree');
    if (!existsSync(join(template, 'bin', 'sh'))) {
      execFileSync('rm', ['-rf', template]);
      execFileSync('dpkg-deb', ['-x', busyboxDeb(), template]);
      const bb = join(template, 'bin', 'busybox');
      const applets = execFileSync(bb, ['--list-full'], { encoding: 'utf8' }).split('\n').filter(Boolean);
      for (const applet of applets) {
        const target = join(template, applet);
        mkdirSync(join(target, '..'), { recursive: true });
        if (!existsSync(target)) symlinkSync('/bin/busybox', target);
      }
      for (const d of ['tmp', 'proc', 'dev', 'work', 'etc', 'root', 'home']) mkdirSync(join(template, d), { recursive: true });
      writeFileSync(join(template, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
      writeFileSync(join(template, 'etc', 'group'), 'root:x:0:\n');
    }
  }
  cpSync(template, dest, { recursive: true, verbatimSymlinks: true });
}
