/** `--format github`: workflow commands with the runner's escaping, exact output. */
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main } from '../../src/cli.js';
import type { Finding } from '../../src/engine/types.js';
import { escapeData, escapeProperty, formatGithub } from '../../src/format/github.js';
import { FIXTURES } from '../helpers.js';

async function cli(argv: string[], cwd: string) {
  let out = '';
  let err = '';
  const code = await main(argv, { cwd, env: {}, stdout: (s) => (out += s), stderr: (s) => (err += s), readStdin: () => '', isTTY: false });
  return { code, out, err };
}

function finding(over: Partial<Finding>): Finding {
  return {
    ruleId: 'k8s/example',
    messageId: 'x',
    message: 'm',
    severity: 'error',
    location: { file: 'a.yaml', line: 1, column: 2, endLine: 3, endColumn: 4 },
    related: [],
    subject: 's',
    fingerprint: 'f',
    ...over,
  };
}

test('escaping as actions/toolkit does it', async () => {
  assert.is(escapeData('50% a\r\nb: c, d'), '50%25 a%0D%0Ab: c, d');
  assert.is(escapeProperty('dir,x/a:b%.yaml\n'), 'dir%2Cx/a%3Ab%25.yaml%0A');
});

test('levels map to error, warning and notice; suppressed findings are left out', async () => {
  const out = formatGithub([
    finding({ message: 'value "100%" is wrong:\nsee docs, please' }),
    finding({ severity: 'warning', ruleId: 'iam/x', location: { file: 'odd, name:1.json', line: 5, column: 1, endLine: 5, endColumn: 9 } }),
    finding({ severity: 'note', related: [{ location: { file: 'b.yaml', line: 7, column: 3, endLine: 7, endColumn: 5 }, label: 'other end' }] }),
    finding({ suppressions: [{ kind: 'inSource', justification: 'ok' }] }),
  ]);
  assert.is(
    out,
    '::error file=a.yaml,line=1,col=2,endLine=3,endColumn=4,title=k8s/example::value "100%25" is wrong:%0Asee docs, please\n' +
      '::warning file=odd%2C name%3A1.json,line=5,col=1,endLine=5,endColumn=9,title=iam/x::m\n' +
      '::notice file=a.yaml,line=1,col=2,endLine=3,endColumn=4,title=k8s/example::m%0Arelated: b.yaml:7:3 other end\n',
  );
  assert.is(formatGithub([]), '');
});

test('lint --format github on a fixture', async () => {
  const dir = path.join(FIXTURES, 'irsa', 'trust-subject-exists', 'invalid-missing-service-account');
  const r = await cli(['lint', '--format', 'github', '.'], dir);
  assert.is(r.code, 1);
  assert.is(r.err, '');
  const msg = (sa: string) =>
    `trust policy admits ServiceAccount "${sa}" in namespace "team-a", which is not among the ServiceAccounts defined in that namespace%0Arelated: serviceaccounts.yaml:4:9 ServiceAccounts of namespace "team-a" are defined here`;
  assert.is(
    r.out,
    `::error file=05-0-mycluster-team-a-cloud-credentials-role.json,line=1,col=411,endLine=1,endColumn=455,title=irsa/trust-subject-exists::${msg('app-fronted')}\n` +
      `::error file=get-role-team-a-worker.json,line=19,col=105,endLine=19,endColumn=142,title=irsa/trust-subject-exists::${msg('worker')}\n` +
      `::error file=trust-policy.json,line=15,col=13,endLine=15,endColumn=52,title=irsa/trust-subject-exists::${msg('reporter')}\n`,
  );
});

test.run();
