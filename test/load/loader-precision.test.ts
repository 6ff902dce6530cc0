import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseJson } from '../../src/load/json.js';
import { loadSources } from '../../src/load/loader.js';
import { get, type PScalar } from '../../src/model/pnode.js';

test('JSON strings holding a placeholder are unknown, like YAML ones', () => {
  const r = parseJson('{"a": "${ACCOUNT}", "b": "{{ .Values.x }}", "c": "$(NS)", "d": "plain", "e": "esc\\u0041 ${X}"}', 'f.json');
  const v = (k: string) => get(r.node, k) as PScalar;
  assert.ok(v('a').unknown);
  assert.ok(v('b').unknown);
  assert.ok(v('c').unknown);
  assert.not.ok(v('d').unknown);
  assert.ok(v('e').unknown);
  assert.ok(v('e').inner, 'escaped strings keep their position map');
});

test('duplicate JSON key: no line number in the message, first occurrence as a related location', () => {
  const r = loadSources([{ path: 'p.json', text: '{\n  "Statement": [],\n  "Statement": [{"Principal": "*"}]\n}\n' }]);
  const p = r.problems.find((x) => x.code === 'DUPLICATE_KEY')!;
  assert.is(p.message, 'duplicate key "Statement"; the last value is used');
  assert.not.match(p.message, /line|\d/);
  assert.equal(p.related?.map((x) => [x.span.line, x.span.column, x.label]), [[2, 3, 'first occurrence']]);
});

test('keys of roles without an ARN do not contain line numbers', () => {
  const policy = '{"Statement": [{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/x.example"}, "Action": "sts:AssumeRoleWithWebIdentity"}]}';
  const keys = (text: string, path: string) => loadSources([{ path, text }]).resources.map((x) => x.key);
  assert.equal(keys(policy, 't.json'), ['iam:Role@t.json#0']);
  assert.equal(keys(`\n\n\n${policy}`, 't.json'), ['iam:Role@t.json#0']);
  const roles = `{"Roles": [{"RoleName": "a", "AssumeRolePolicyDocument": ${policy}}, {"RoleName": "b", "AssumeRolePolicyDocument": ${policy}}]}`;
  assert.equal(keys(roles, 'r.json'), ['iam:Role/a@r.json#0/Roles/0', 'iam:Role/b@r.json#0/Roles/1']);
  const yaml = `---\nkind: Other\n---\nStatement:\n  - Effect: Allow\n    Principal: {Federated: "arn:aws:iam::111122223333:oidc-provider/x.example"}\n    Action: sts:AssumeRoleWithWebIdentity\n`;
  assert.equal(keys(yaml, 'p.yaml'), ['iam:Role@p.yaml#1']);
});

test.run();
