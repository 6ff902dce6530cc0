/** The package version, read once from package.json (works from `src/` under tsx and from `dist/src/`). */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function find(): { version: string; homepage: string } {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const p = path.join(dir, 'package.json');
    if (fs.existsSync(p)) {
      const pkg = JSON.parse(fs.readFileSync(p, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'irsa-lint') return { version: pkg.version ?? '0.0.0', homepage: HOMEPAGE };
    }
    dir = path.dirname(dir);
  }
  return { version: '0.0.0', homepage: HOMEPAGE };
}

export const HOMEPAGE = 'https://github.com/irsa-lint/irsa-lint';
export const VERSION = find().version;
export const TOOL_NAME = 'irsa-lint';

/** Where a rule's documentation lives. */
export function ruleDocUrl(id: string): string {
  return `${HOMEPAGE}/blob/main/docs/rules/${id}.md`;
}
