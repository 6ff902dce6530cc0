/** A bad configuration stops the run with `file:line:column: message` for every problem. */
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RULES } from '../../src/api.js';
import { loadConfigFile } from '../../src/config/load.js';
import { ConfigError } from '../../src/config/types.js';
import { ROOT } from '../helpers.js';

const DIR = path.join(ROOT, 'fixtures/_config');

function errors(name: string): string[] {
  try {
    loadConfigFile(path.join(DIR, name), DIR, RULES);
  } catch (e) {
    if (e instanceof ConfigError) return e.diagnostics.map((d) => `${d.file}:${d.line}:${d.column}: ${d.message}`);
    throw e;
  }
  return [];
}

const CASES: Record<string, string[]> = {
  'schema-errors.yaml': [
    'schema-errors.yaml:1:10: extends: "strictest" is not one of "recommended", "strict"',
    'schema-errors.yaml:3:33: rules["k8s/token-expiration-minimum"]: must be off, note, warning or error, or [level, {options}]',
    'schema-errors.yaml:4:3: rules: "Bad" is not a rule id (domain/name or domain/*)',
    'schema-errors.yaml:6:1: unknown key "fact" (did you mean "facts"?)',
    'schema-errors.yaml:9:14: facts.accounts[0]: must be a string (quote account ids: as numbers they lose leading zeros)',
    'schema-errors.yaml:9:28: facts.accounts[1]: "12345" is not a 12-digit AWS account id',
    'schema-errors.yaml:11:12: facts.oidcProviders[0].arn: "arn:aws:iam::123:oidc-provider/x" is not an OIDC provider ARN (arn:aws:iam::<account>:oidc-provider/<issuer host and path>)',
    'schema-errors.yaml:12:7: facts.oidcProviders[0]: unknown key "clientId" (did you mean "clientIds"?)',
    'schema-errors.yaml:13:25: facts.serviceAccountIssuer: "http://x" is not an https:// URL',
    'schema-errors.yaml:15:5: ignore[0]: an ignore entry needs "file" or "resource"',
    'schema-errors.yaml:19:14: ignore[1].expires: "2025-13-01" is not a date written YYYY-MM-DD',
    'schema-errors.yaml:20:14: ignore[1].pointer: "Statement" is not a JSON pointer (such as /Statement/0/Condition)',
    'schema-errors.yaml:21:14: maxWarnings: must be at least -1',
    'schema-errors.yaml:22:9: failOn: "warnings" is not one of "error", "warning", "note", "never"',
  ],
  'schema-errors.json': [
    'schema-errors.json:3:46: rules["k8s/token-expiration-minimum"]: must be off, note, warning or error, or [level, {options}]',
    'schema-errors.json:4:27: facts.accounts[0]: must be a string (quote account ids: as numbers they lose leading zeros)',
    'schema-errors.json:4:59: facts.defaultRegion: "mars-1" is not an AWS region name (such as us-east-1)',
    'schema-errors.json:5:68: ignore[0].reason: must be a string',
  ],
  'semantic-errors.yaml': [
    'semantic-errors.yaml:2:3: unknown rule "k8s/token-expiry" (did you mean "k8s/token-expiration-minimum"?)',
    'semantic-errors.yaml:3:3: no rule in domain "kube"',
    'semantic-errors.yaml:4:25: rule "parse/syntax" takes no options',
    'semantic-errors.yaml:7:11: unknown rule "parse/syntx" (did you mean "parse/syntax"?)',
    'semantic-errors.yaml:8:14: ignore[0].expires: "2025-02-30" is not a date',
  ],
  'syntax-error.yaml': ['syntax-error.yaml:3:1: flow sequence in block collection must be sufficiently indented and end with a ]'],
  'syntax-error.json': ['syntax-error.json:3:26: trailing comma'],
  'two-documents.yaml': ['two-documents.yaml:3:1: a configuration file holds one YAML document'],
  'not-a-map.yaml': ['not-a-map.yaml:1:1: the configuration must be a map'],
  'missing.yaml': ['missing.yaml:1:1: cannot read configuration file (ENOENT)'],
  'valid.yaml': [],
};

for (const [name, expected] of Object.entries(CASES)) {
  test(`config errors: ${name}`, () => {
    assert.equal(errors(name), expected);
  });
}

test('duplicate keys are errors', () => {
  const dir = path.join(ROOT, 'fixtures/_config');
  assert.throws(
    () => loadConfigFile(path.join(dir, 'duplicate-key.yaml'), dir, RULES),
    (e: unknown) => e instanceof ConfigError && e.message === 'duplicate-key.yaml:3:3: map keys must be unique',
  );
});

test.run();
