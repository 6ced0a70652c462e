// Runs every benchmark in turn (`npm run bench`), or those named: `npm run bench -- store jobs`.
// Each prints its own ratios against a reference measured in the same run; the exit status is 1 when any
// of them missed its goal or failed. The builder benchmark runs debootstrap and takes minutes.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ALL = ['store', 'jobs', 'launcher', 'tui', 'builder'];
const chosen = process.argv.slice(2);
const unknown = chosen.filter((n) => !ALL.includes(n));
if (unknown.length) {
  console.error(`bench: unknown benchmark ${unknown.join(', ')} (have: ${ALL.join(', ')})`);
  process.exit(2);
}
const missed = [];
for (const name of chosen.length ? chosen : ALL) {
  console.log(`\n=== bench/${name}.js`);
  const r = spawnSync(process.execPath, [fileURLToPath(new URL(`./${name}.js`, import.meta.url))], { stdio: 'inherit' });
  if (r.status !== 0) missed.push(`${name} (exit ${r.status ?? r.signal})`);
}
console.log(missed.length ? `\nmissed or failed: ${missed.join(', ')}` : '\nevery benchmark met its goal');
process.exit(missed.length ? 1 : 0);
