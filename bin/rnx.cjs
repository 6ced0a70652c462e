#!/usr/bin/env node
'use strict';
// CommonJS, so that `rnx job run` (dist/fast-path.cjs, one bundled file) never starts Node's ESM loader,
// which alone costs more than a short job takes. Every other command is the ESM build (dist/src/cli/main.js).
const fs = require('node:fs');
const path = require('node:path');
const argv = process.argv.slice(2);

/**
 * Loads the bundle with V8's code cache from the last run ($XDG_CACHE_HOME/rnx), so that a job's start does
 * not compile it again (about 4 ms of a short job). The cache is written after a run that had none; a cache
 * V8 rejects, or any trouble with it, only means compiling as usual.
 */
function loadFastPath() {
  const file = path.join(__dirname, '..', 'dist', 'fast-path.cjs');
  const source = fs.readFileSync(file, 'utf8');
  const st = fs.statSync(file);
  // $HOME is what os.homedir() returns when it is set, without loading node:os first
  const home = process.env.HOME || require('node:os').homedir();
  const cacheDir = path.join(process.env.XDG_CACHE_HOME || path.join(home, '.cache'), 'rnx');
  const cacheFile = path.join(cacheDir, `fast-path-${process.version}-${st.size}-${Math.floor(st.mtimeMs)}.v8`);
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const vm = require('node:vm');
  const script = new vm.Script(require('node:module').wrap(source), { filename: file, cachedData });
  const mod = { exports: {} };
  script.runInThisContext().call(mod.exports, mod.exports, require, mod, file, path.dirname(file));
  const saveCache = () => {
    if (cachedData && !script.cachedDataRejected) return;
    try {
      fs.mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
      fs.renameSync(tmp, cacheFile);
      // caches of earlier builds or node versions are of no more use
      for (const name of fs.readdirSync(cacheDir)) {
        if (/^fast-path-.*\.v8$/.test(name) && name !== path.basename(cacheFile)) fs.rmSync(path.join(cacheDir, name), { force: true });
      }
    } catch {
      // no cache this time
    }
  };
  return { runJobFastPath: mod.exports.runJobFastPath, saveCache };
}

function done(code) {
  process.exitCode = code;
}

function crashed(err) {
  process.stderr.write(`rnx: internal error: ${err?.stack ?? err}\n`);
  process.exitCode = 70;
}

const main = () => import('../dist/src/cli/main.js').then((m) => m.main(argv));
// Words without `run` cannot be `job run`: the other commands do not load the bundle at all.
const fast = argv.includes('run') ? loadFastPath() : undefined;
(fast ? fast.runJobFastPath(argv) : Promise.resolve(undefined))
  .then((code) => {
    if (code === undefined) return main();
    fast.saveCache(); // after the run, so that what the job path compiled lazily is in the cache too
    return code;
  })
  .then(done, crashed);
