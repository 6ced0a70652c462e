import { UserError } from '../util/errors.js';

export interface AppOptions {
  root?: string | undefined;
  readonly: boolean;
}

export async function startApp(_opts: AppOptions): Promise<number> {
  throw new UserError('the terminal app is not available yet; see rnx --help for the plain commands');
}
