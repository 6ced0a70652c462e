import { renameSync, rmSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { create } from 'tar';
import { readManifest } from './manifest.js';
import { runtimeFiles } from './paths.js';
import { requireInstalled } from './store.js';

/** Packs an installed runtime into a .tar.gz (or .tar) holding runtime.yml and isolated/, in manifest order. */
export async function packRuntime(root: string, name: string, output: string): Promise<{ files: number; output: string }> {
  const dir = requireInstalled(root, name);
  const manifest = await readManifest(join(dir, runtimeFiles.manifest));
  const members = [runtimeFiles.spec, ...manifest.entries.map((e) => (e.path === '.' ? runtimeFiles.tree : `${runtimeFiles.tree}/${e.path}`))];
  const tmp = join(dirname(output), `.${basename(output)}.${process.pid}.tmp`);
  try {
    await create({ file: tmp, cwd: dir, gzip: !/\.tar$/.test(output), portable: true, noDirRecurse: true, strict: true }, members);
    renameSync(tmp, output);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  return { files: manifest.header.files, output };
}
