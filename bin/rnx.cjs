#!/usr/bin/env node
'use strict';
// CommonJS, so that `rnx job run` (dist/fast-path.cjs, one bundled file) never starts Node's ESM loader,
// which alone costs more than a short job takes. Every other command is the ESM build (dist/src/cli/main.js).
const argv = process.argv.slice(2);

function done(code) {
  process.exitCode = code;
}

function crashed(err) {
  process.stderr.write(`rnx: internal error: ${err?.stack ?? err}\n`);
  process.exitCode = 70;
}

require('../dist/fast-path.cjs')
  .runJobFastPath(argv)
  .then((code) => (code !== undefined ? code : import('../dist/src/cli/main.js').then((m) => m.main(argv))))
  .then(done, crashed);
