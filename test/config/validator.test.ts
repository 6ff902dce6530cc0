/** The committed standalone validator is generated from the committed schema. */
import fs from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { generate, OUT } from '../../scripts/gen-validators.mjs';

test('src/config/validate-config.ts is up to date with schemas/config.schema.json (node scripts/gen-validators.mjs)', () => {
  assert.is(fs.readFileSync(OUT as string, 'utf8'), (generate as () => string)());
});

test('the validator needs no runtime compilation or helper', () => {
  const text = fs.readFileSync(OUT as string, 'utf8');
  assert.not.ok(/\brequire\(|from ["']ajv/.test(text));
});

test.run();
