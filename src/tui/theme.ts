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
  if (env.TERM === 'linux') return false;
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
