// Entry point of the terminal app, called by `rnx` with no command on a terminal. React and Ink load
// after NODE_ENV is settled, so they use their production builds (the development builds render
// several times slower and hold more memory).
export interface AppOptions {
  root?: string | undefined;
  readonly: boolean;
}

export async function startApp(opts: AppOptions): Promise<number> {
  process.env.NODE_ENV ??= 'production';
  // A small young generation: the app allocates little that lives, and resident memory stays low.
  const v8 = await import('node:v8');
  v8.setFlagsFromString('--max-semi-space-size=2');
  const { runApp } = await import('./run-app.js');
  return runApp(opts);
}
