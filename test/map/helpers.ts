/** Shared by the access map tests: the CLI run in-process, golden files, the Mermaid and Graphviz checkers. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as assert from 'uvu/assert';
import { main } from '../../src/cli.js';
import { ROOT } from '../helpers.js';

export const EXPECTED = path.join(ROOT, 'test/map/expected');

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export async function cli(argv: readonly string[], cwd = ROOT, env: Record<string, string> = {}, isTTY = false, columns?: number): Promise<CliRun> {
  let out = '';
  let err = '';
  const code = await main(argv, { cwd, env, stdout: (s) => (out += s), stderr: (s) => (err += s), readStdin: () => '', isTTY, ...(columns ? { columns } : {}) });
  return { code, out, err };
}

/** Compare with test/map/expected/NAME (rewritten with UPDATE_FIXTURES=1). */
export function expectFile(name: string, actual: string): void {
  const p = path.join(EXPECTED, name);
  if (process.env.UPDATE_FIXTURES && !process.env.FIXTURE_FILTER) {
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, actual);
  }
  assert.ok(fs.existsSync(p), `${name} exists (UPDATE_FIXTURES=1 writes it)`);
  assert.fixture(actual, fs.readFileSync(p, 'utf8'));
}

export interface ParseResult {
  readonly ok: boolean;
  readonly type?: string;
  readonly error?: string;
}

/**
 * Parse diagrams with Mermaid's own parser (test/map/mermaid-parse.mjs, in a child process).
 * Throws when Mermaid cannot be loaded: a missing install fails the test.
 */
export function mermaidParse(texts: readonly string[]): ParseResult[] {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'test/map/mermaid-parse.mjs')], { cwd: ROOT, input: JSON.stringify(texts), encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`mermaid parser could not run (exit ${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as ParseResult[];
}

/** Graphviz `dot -Tsvg` on each graph: the SVG, or throws with dot's message. `dot` must be installed. */
export function dotSvg(text: string): string {
  const r = spawnSync('dot', ['-Tsvg'], { input: text, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.error) throw new Error(`cannot run Graphviz dot (apt-get install graphviz): ${r.error.message}`);
  if (r.status !== 0 || r.stderr.trim() !== '') throw new Error(`dot -Tsvg failed (exit ${r.status}): ${r.stderr}`);
  return r.stdout;
}
