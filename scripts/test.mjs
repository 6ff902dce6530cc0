// Runs the uvu suite through tsx and ends with one line `N passed, N failed[, N skipped]`.
// Exits non-zero on any failure, on zero tests, or when uvu itself fails.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const uvuBin = path.join(root, 'node_modules', 'uvu', 'bin.js'); // uvu does not export ./bin.js
const rest = process.argv.slice(2);
const args = ['--import', 'tsx', uvuBin, ...(rest.length ? rest : ['test', '\\.test\\.ts$']), '--no-color'];
// Caches written by the tests (the pre-commit entry caches by default) stay in a directory of this run.
const cacheHome = fs.mkdtempSync(path.join(os.tmpdir(), 'irsa-lint-test-cache-'));
const child = spawn(process.execPath, args, { cwd: root, stdio: ['inherit', 'pipe', 'inherit'], env: { ...process.env, XDG_CACHE_HOME: cacheHome } });
let out = '';
child.stdout.on('data', (b) => {
  out += b;
  process.stdout.write(b);
});
child.on('close', (code) => {
  fs.rmSync(cacheHome, { recursive: true, force: true });
  const num = (k) => Number(out.match(new RegExp(`^\\s*${k}:\\s+(\\d+)`, 'm'))?.[1] ?? NaN);
  const total = num('Total');
  const passed = num('Passed');
  const skipped = num('Skipped');
  const failed = Number.isNaN(total) ? 1 : total - passed;
  console.log(`${Number.isNaN(passed) ? 0 : passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  process.exitCode = code || failed > 0 || !(total > 0) ? 1 : 0;
});
