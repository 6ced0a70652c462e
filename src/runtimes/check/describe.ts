// How a self-containment check reads to a person: the same words in `rnx runtime check`, the builder's
// check phase and the terminal app.
import type { CheckReport, Miss } from './check.js';

const WHAT: Record<Miss['kind'], string> = {
  library: 'missing library',
  interpreter: 'missing ELF interpreter',
  'script-interpreter': 'missing #! interpreter',
  unreadable: 'unreadable',
};

/** One miss on one line, naming the file that needs it. */
export function describeMiss(m: Miss): string {
  return `${WHAT[m.kind]} ${m.need}: needed by ${m.file}${m.detail && m.kind !== 'library' ? ` (${m.detail})` : ''}`;
}

/** A line per miss and a one-line summary (without the runtime's name). */
export function describeCheck(r: CheckReport): { findings: string[]; summary: string } {
  const preloaded = r.preloaded ? `, ${r.preloaded} library dependencies found only by SONAME` : '';
  const stats = `${r.files} files, ${r.elfFiles} ELF, ${r.scripts} scripts${preloaded}, ${(r.elapsedMs / 1000).toFixed(1)}s`;
  const skipped = r.skipped.length ? `; ${r.skipped.length} root-only skipped` : '';
  return {
    findings: [...r.missing.map(describeMiss), ...r.skipped.map((p) => `skipped ${p}: readable by root only (run as root to check it)`)],
    summary: r.ok ? `self-contained (${stats}${skipped})` : `NOT self-contained: ${r.missing.length} missing (${stats}${skipped})`,
  };
}
