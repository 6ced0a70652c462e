// Entry point of the terminal app, called by `rnx` with no command on a terminal. React and Ink load
// after NODE_ENV is settled, so they use their production builds (the development builds render
// several times slower and hold more memory).
export interface AppOptions {
  root?: string | undefined;
  readonly: boolean;
}

/** The variables by which Ink (through is-in-ci) decides, once, at import, that it runs in CI. */
const CI_VARIABLES = ['CI', 'CONTINUOUS_INTEGRATION'] as const;

export async function startApp(opts: AppOptions): Promise<number> {
  process.env.NODE_ENV ??= 'production';
  // A small young generation: the app allocates little that lives, and resident memory stays low.
  const v8 = await import('node:v8');
  v8.setFlagsFromString('--max-semi-space-size=2');
  // The app only starts on a real terminal (main.ts checks both ends). In "CI" Ink would draw nothing
  // until it exits, so an operator on a machine with CI=true in its environment would see a blank screen.
  const hidden = CI_VARIABLES.filter((name) => name in process.env).map((name) => [name, process.env[name]] as const);
  for (const [name] of hidden) delete process.env[name];
  let runApp: typeof import('./run-app.js').runApp;
  try {
    ({ runApp } = await import('./run-app.js'));
  } finally {
    for (const [name, value] of hidden) process.env[name] = value;
  }
  return runApp(opts);
}
