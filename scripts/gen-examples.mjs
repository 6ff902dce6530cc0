// Writes dist/examples.json: each rule's bad and good example, taken from its fixtures, so that
// `irsa-lint explain` shows them in the installed package too (fixtures are not shipped).
// Runs after `tsc` in the build; reads the compiled modules. Usage: node scripts/gen-examples.mjs [DIST]
// (DIST defaults to ./dist; the fixtures are always this repository's).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const dist = path.resolve(process.argv[2] ?? path.join(root, 'dist'));
const { RULES } = await import(pathToFileURL(path.join(dist, 'rules', 'index.js')).href);
const { ruleExamples } = await import(pathToFileURL(path.join(dist, 'src', 'docs.js')).href);
const out = {};
for (const rule of RULES) out[rule.meta.id] = ruleExamples(rule.meta.id, root);
fs.writeFileSync(path.join(dist, 'examples.json'), JSON.stringify(out));
