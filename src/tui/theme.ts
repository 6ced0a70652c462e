// Semantic colours and glyphs. NO_COLOR drops colour only (bold, inverse and glyphs stay);
// a terminal without UTF-8 gets ASCII glyphs.

export interface Theme {
  color: boolean;
  unicode: boolean;
  /** Ink colour names, or undefined for the terminal's default. */
  accent?: string;
  muted?: string;
  ok?: string;
  warn?: string;
  error?: string;
  running?: string;
  match?: string;
  border?: string;
  glyphs: {
    expanded: string;
    collapsed: string;
    link: string;
    selected: string;
    ellipsis: string;
    spark: string[];
    barFull: string;
    barEmpty: string;
    sep: string;
    rule: string;
  };
}

const UNICODE_GLYPHS: Theme['glyphs'] = {
  expanded: '▾',
  collapsed: '▸',
  link: '→',
  selected: '›',
  ellipsis: '…',
  spark: ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'],
  barFull: '█',
  barEmpty: '░',
  sep: '│',
  rule: '─',
};

const ASCII_GLYPHS: Theme['glyphs'] = {
  expanded: 'v',
  collapsed: '>',
  link: '->',
  selected: '>',
  ellipsis: '~',
  spark: ['_', '.', '-', '=', '+', '*', '#', '@'],
  barFull: '#',
  barEmpty: '.',
  sep: '|',
  rule: '-',
};

export function wantsColor(env: NodeJS.ProcessEnv = process.env): boolean {
  return !(env.NO_COLOR !== undefined && env.NO_COLOR !== '');
}

export function wantsUnicode(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.RNX_ASCII) return false;
  // the Linux console's font lacks most of the glyphs; a dumb terminal promises nothing
  if (env.TERM === 'linux' || env.TERM === 'dumb') return false;
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  // No locale at all is common over SSH and in containers with a UTF-8 terminal; assume UTF-8 then.
  return locale === '' || /utf-?8/i.test(locale);
}

export function makeTheme(opts: { color: boolean; unicode: boolean }): Theme {
  const glyphs = opts.unicode ? UNICODE_GLYPHS : ASCII_GLYPHS;
  if (!opts.color) return { color: false, unicode: opts.unicode, glyphs };
  return {
    color: true,
    unicode: opts.unicode,
    accent: 'cyan',
    muted: 'gray',
    ok: 'green',
    warn: 'yellow',
    error: 'red',
    running: 'blue',
    match: 'yellow',
    border: 'gray',
    glyphs,
  };
}

export function themeFromEnv(env: NodeJS.ProcessEnv = process.env): Theme {
  return makeTheme({ color: wantsColor(env), unicode: wantsUnicode(env) });
}

/** The semantic colour of a job state. */
export function stateColor(theme: Theme, state: string): string | undefined {
  switch (state) {
    case 'running':
      return theme.running;
    case 'exited':
      return theme.ok;
    case 'stopped':
      return theme.muted;
    default:
      return theme.error;
  }
}

/**
 * The colour of a job's row: green only for a clean exit (0); red for failures, out-of-memory kills, refusals
 * (125), commands that cannot run (126, 127) and any other non-zero exit; yellow for jobs stopped or timed out.
 */
export function jobColor(theme: Theme, j: { state: string; exitCode?: number; signal?: number }): string | undefined {
  switch (j.state) {
    case 'running':
      return theme.running;
    case 'stopped':
    case 'timed-out':
      return theme.warn;
    case 'exited':
      return j.exitCode === 0 && !j.signal ? theme.ok : theme.error;
    default:
      return theme.error;
  }
}

/** ASCII for the non-ASCII characters the app draws (views, key labels, Ink's own ellipsis), one column each. */
const ASCII_FOR: Record<string, string> = {
  '›': '>',
  '‹': '<',
  '…': '~',
  '·': '-',
  '▏': '_',
  '─': '-',
  '│': '|',
  '▲': '^',
  '▼': 'v',
  '▾': 'v',
  '▸': '>',
  '←': '<',
  '→': '>',
  '↑': '^',
  '↓': 'v',
  '░': '.',
  '—': '-',
  '–': '-',
  '’': "'",
  '×': 'x',
};
for (const [i, g] of UNICODE_GLYPHS.spark.entries()) ASCII_FOR[g] = ASCII_GLYPHS.spark[i]!;

/**
 * Turns what the app draws into ASCII for a terminal without UTF-8 (see wantsUnicode). The views use the
 * theme's glyphs, but separators, ellipses and key labels are written in many places, and Ink cuts text
 * with its own "…": run-app puts this on the app's output as a last step, so nothing slips through.
 */
export function toAscii(text: string): string {
  return text.replace(/[^\x00-\x7f]/g, (c) => ASCII_FOR[c] ?? c);
}
