// Which Debian mirror to build from: --mirror, else $RNX_DEBIAN_MIRROR, else the host's own apt sources.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../util/errors.js';

export interface AptSource {
  uri: string;
  suites: string[];
  components: string[];
  file: string;
}

export interface Mirrors {
  /** e.g. http://deb.debian.org/debian */
  main: string;
  /** e.g. http://deb.debian.org/debian-security (undefined when none is known) */
  security?: string;
  /** Where the choice came from, for the log. */
  from: string;
}

/** Reads deb (not deb-src) entries of the host's apt configuration: sources.list, *.list and deb822 *.sources. */
export function readHostAptSources(etcApt = '/etc/apt'): AptSource[] {
  const out: AptSource[] = [];
  const files: string[] = [];
  if (existsSync(join(etcApt, 'sources.list'))) files.push(join(etcApt, 'sources.list'));
  const dir = join(etcApt, 'sources.list.d');
  if (existsSync(dir)) {
    for (const f of readdirSync(dir).sort()) if (/\.(list|sources)$/.test(f)) files.push(join(dir, f));
  }
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    if (file.endsWith('.sources')) out.push(...parseDeb822(text, file));
    else out.push(...parseOneLine(text, file));
  }
  return out;
}

function parseOneLine(text: string, file: string): AptSource[] {
  const out: AptSource[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    const m = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)\s*(.*)$/.exec(line);
    if (m) out.push({ uri: m[1]!.replace(/\/+$/, ''), suites: [m[2]!], components: m[3]!.split(/\s+/).filter(Boolean), file });
  }
  return out;
}

function parseDeb822(text: string, file: string): AptSource[] {
  const out: AptSource[] = [];
  for (const para of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    let last: string | undefined;
    for (const raw of para.split('\n')) {
      if (raw.startsWith('#')) continue;
      if (/^\s/.test(raw) && last) {
        fields.set(last, `${fields.get(last)} ${raw.trim()}`);
        continue;
      }
      const m = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(raw);
      if (m) {
        last = m[1]!.toLowerCase();
        fields.set(last, m[2]!.trim());
      }
    }
    if (!(fields.get('types') ?? '').split(/\s+/).includes('deb')) continue;
    if (/^(no|false)$/i.test(fields.get('enabled') ?? 'yes')) continue;
    const suites = (fields.get('suites') ?? '').split(/\s+/).filter(Boolean);
    const components = (fields.get('components') ?? '').split(/\s+/).filter(Boolean);
    for (const uri of (fields.get('uris') ?? '').split(/\s+/).filter(Boolean)) out.push({ uri: uri.replace(/\/+$/, ''), suites, components, file });
  }
  return out;
}

const DEBIAN_SUITE_RE = /^(buster|bullseye|bookworm|trixie|forky|duke|sid|stable|testing|unstable|oldstable)(-updates|-backports|-proposed-updates)?$/;
const SECURITY_SUITE_RE = /^(buster\/updates|[a-z]+-security)$/;

/** Picks the Debian archive and security mirrors: explicit override, environment, or the host's apt sources. */
export function chooseMirrors(override?: string, etcApt = '/etc/apt'): Mirrors {
  const envSec = process.env.RNX_DEBIAN_SECURITY_MIRROR?.replace(/\/+$/, '');
  const explicit = override ?? process.env.RNX_DEBIAN_MIRROR;
  if (explicit) {
    const main = explicit.replace(/\/+$/, '');
    const security = envSec ?? (/\/debian$/.test(main) ? `${main}-security` : undefined);
    return { main, ...(security ? { security } : {}), from: override ? '--mirror' : '$RNX_DEBIAN_MIRROR' };
  }
  const sources = readHostAptSources(etcApt).filter((s) => s.components.includes('main'));
  const candidates = sources.filter((s) => s.suites.some((x) => DEBIAN_SUITE_RE.test(x)) && !/-security$/.test(s.uri));
  // A Debian archive's path ends in /debian; third-party repositories may also call a suite "stable".
  const main = candidates.find((s) => /\/debian$/.test(s.uri)) ?? candidates[0];
  if (!main) {
    throw new UserError(
      `cannot find a Debian mirror in ${etcApt}/sources.list(.d); pass --mirror URL or set RNX_DEBIAN_MIRROR (e.g. the URL of a Debian archive)`,
    );
  }
  const sec = sources.find((s) => s.suites.some((x) => SECURITY_SUITE_RE.test(x)));
  const security = envSec ?? sec?.uri ?? (/\/debian$/.test(main.uri) ? `${main.uri}-security` : undefined);
  return { main: main.uri, ...(security ? { security } : {}), from: main.file };
}

/** True when the mirror serves `dists/<suite>/InRelease` (or Release). Only http(s) mirrors are probed. */
export async function mirrorHasSuite(mirror: string, suite: string, timeoutMs = 15_000): Promise<boolean> {
  if (!/^https?:\/\//.test(mirror)) return false;
  for (const file of ['InRelease', 'Release']) {
    try {
      const res = await fetch(`${mirror}/dists/${suite}/${file}`, { method: 'HEAD', signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
      if (res.ok) return true;
    } catch {
      // unreachable or timed out: treat as absent
    }
  }
  return false;
}

/** The apt sources.list lines for `suite`: the suite itself, plus -updates and -security where the mirrors have them. */
export async function sourcesFor(mirrors: Mirrors, suite: string): Promise<string[]> {
  const lines = [`deb ${mirrors.main} ${suite} main`];
  const [updates, security] = await Promise.all([
    mirrorHasSuite(mirrors.main, `${suite}-updates`),
    mirrors.security ? mirrorHasSuite(mirrors.security, `${suite}-security`) : Promise.resolve(false),
  ]);
  if (updates) lines.push(`deb ${mirrors.main} ${suite}-updates main`);
  if (security && mirrors.security) lines.push(`deb ${mirrors.security} ${suite}-security main`);
  return lines;
}
