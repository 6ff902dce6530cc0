import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const FIXTURES = path.join(ROOT, 'fixtures');

export interface FixtureCase {
  readonly ruleId: string;
  readonly name: string;
  readonly dir: string;
}

/** Every `fixtures/<rule-id>/<valid-*|invalid-*>/` directory. */
export function fixtureCases(): FixtureCase[] {
  const out: FixtureCase[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (!e.isDirectory() || e.name.startsWith('_')) continue;
      const p = path.join(dir, e.name);
      if (/^(valid|invalid)-/.test(e.name)) {
        out.push({ ruleId: path.relative(FIXTURES, dir).split(path.sep).join('/'), name: e.name, dir: p });
      } else walk(p);
    }
  };
  if (fs.existsSync(FIXTURES)) walk(FIXTURES);
  return out;
}

export function readOptions(dir: string): Record<string, unknown> {
  const p = path.join(dir, 'options.json');
  return fs.existsSync(p) ? (JSON.parse(fs.readFileSync(p, 'utf8')) as Record<string, unknown>) : {};
}
