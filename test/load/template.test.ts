/** Templated YAML outside charts: parse failures are notes at the template action, parsed actions are unknown values. */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lint } from '../../src/api.js';
import { loadSources } from '../../src/load/loader.js';
import { templateActions } from '../../src/load/template.js';
import { parseYaml } from '../../src/load/yaml.js';
import type { ServiceAccount } from '../../src/model/k8s.js';
import { get, type PScalar } from '../../src/model/pnode.js';
import { FIXTURES } from '../helpers.js';

const at = (text: string, anywhere = false) => templateActions(text, anywhere).map((a) => text.slice(a.start, a.end));

test('template actions where a YAML or JSON node starts, not inside strings, comments or plain scalars', () => {
  assert.equal(at('name: {{ .Release.Name }}-web\n'), ['{{ .Release.Name }}']);
  assert.equal(at('{{- if .Values.x }}\nkind: A\n{{- end }}\n'), ['{{- if .Values.x }}', '{{- end }}']);
  assert.equal(at('items:\n  - {{ .Values.a }}\n  - - {{ .Values.b }}\n'), ['{{ .Values.a }}', '{{ .Values.b }}']);
  assert.equal(at('list: [a, {{ .Values.b }}]\n? {{ .k }}\n'), ['{{ .Values.b }}', '{{ .k }}']);
  assert.equal(at('"Condition": {{ .c | toJson }}\n{"a":{{ .b }}}\n'), ['{{ .c | toJson }}', '{{ .b }}']);
  assert.equal(at('{% if x %}\n{# note #}\n'), ['{% if x %}', '{# note #}']);
  // Not where a node starts: YAML reads these as text.
  assert.equal(at('name: "{{ .Values.name }}"\n'), []);
  assert.equal(at("name: '{{ .Values.name }}'\n"), []);
  assert.equal(at('name: web-{{ .Values.suffix }}\n'), []);
  assert.equal(at('key:{{ x }}\n'), [], 'no space after an unquoted key: one plain scalar');
  assert.equal(at('# {{ .Values.comment }}\nvalue: <%= @x %>\n'), []);
  // A template file: every action counts, ERB too; an unterminated action runs to the end of its line.
  assert.equal(at('value: <%= @x %>\nname: a-{{ b }}\nc: {{ d\n', true), ['<%= @x %>', '{{ b }}', '{{ d']);
});

test('an action that parses is an unknown scalar holding its text, as a value and as a key', () => {
  const text = 'kind: ServiceAccount\nmetadata:\n  name: {{ .Values.name }}\n  annotations:\n    eks.amazonaws.com/role-arn: {{.Values.roleArn}}\n';
  const ok = parseYaml(text, 'sa.yaml');
  assert.equal(ok.problems, []);
  const name = get(ok.docs[0].node, 'metadata', 'name') as PScalar;
  assert.equal([name.type, name.value, name.unknown, name.span.line, name.span.column, name.span.endColumn], ['scalar', '{{ .Values.name }}', true, 3, 9, 27]);
  const arn = get(ok.docs[0].node, 'metadata', 'annotations', 'eks.amazonaws.com/role-arn') as PScalar;
  assert.equal([arn.value, arn.unknown, arn.span.column, arn.span.endColumn], ['{{.Values.roleArn}}', true, 33, 52]);
  const keyed = parseYaml('spec:\n  {{ .Values.key }}: 1\n', 'k.yaml');
  const spec = get(keyed.docs[0].node, 'spec');
  assert.ok(spec?.type === 'map');
  assert.equal(spec.type === 'map' ? [spec.entries[0].key.value, spec.entries[0].key.unknown] : [], ['{{ .Values.key }}', true]);
  // A genuine flow map is left alone.
  const flow = parseYaml('a: {b: 1}\n', 'f.yaml');
  assert.is(get(flow.docs[0].node, 'a')?.type, 'map');
  // A key action after a scalar entry does not parse: a note at the action.
  const bad = parseYaml('kind: ServiceAccount\nmetadata:\n  name: x\n  {{ .Values.key }}: v\n', 'k.yaml');
  assert.equal(bad.problems.map((p) => [p.rule?.id, p.span.line, p.span.column, p.span.endColumn]), [['parse/template', 4, 3, 20]]);
});

test('a syntax error in a document whose actions are all quoted is still parse/syntax', () => {
  const { problems } = parseYaml('kind: ServiceAccount\nmetadata:\n  name: "{{ .Values.name }}"\n  labels: {a: 1\n', 'sa.yaml');
  assert.equal(problems.map((p) => [p.rule?.id ?? 'parse/syntax', p.span.line]), [['parse/syntax', 4]]);
  const json = loadSources([{ path: 'trust.json', text: '{"Version": "2012-10-17", "Statement": [{"Sid": "{{ .Values.sid }}",}]}\n' }]);
  assert.equal(json.problems.map((p) => [p.rule?.id ?? 'parse/syntax', p.message]), [['parse/syntax', 'trailing comma']]);
});

test('if/else branches that repeat a key are a template note too, at the action before the duplicate', () => {
  const text = 'kind: Deployment\nspec:\n  {{- if .Values.ha }}\n  replicas: 3\n  {{- else }}\n  replicas: 1\n  {{- end }}\n';
  const { problems } = parseYaml(text, 'd.yaml');
  assert.equal(problems.map((p) => [p.rule?.id, p.rule?.messageId, p.span.line, p.span.column]), [['parse/template', 'templatedYaml', 3, 3]]);
});

test('every rule on templated files outside charts: notes only, and no finding from a templated role ARN', async () => {
  const dir = path.join(FIXTURES, 'parse', 'template', 'invalid-templated-files');
  const r = await lint(['.', 'ansible/sa.yaml.j2', 'manifests/sa.yaml.tpl'], { cwd: dir });
  assert.equal(
    r.findings.map((f) => `${f.location.file}:${f.location.line}:${f.location.column} ${f.severity} ${f.ruleId}`),
    [
      'ansible/sa.yaml.j2:6:1 note parse/template',
      'deploy/web.yaml:5:9 note parse/template',
      'deploy/web.yaml:15:1 note parse/template',
      'iam/app-trust.json:8:38 note parse/template',
      'manifests/sa.yaml.tpl:5:19 note parse/template',
    ],
  );
  // The third document of deploy/web.yaml parsed: a ServiceAccount whose role ARN is an unknown value.
  const text = fs.readFileSync(path.join(dir, 'deploy/web.yaml'), 'utf8');
  const sa = loadSources([{ path: 'deploy/web.yaml', text }]).resources.find((x) => x.kind === 'k8s:ServiceAccount') as ServiceAccount;
  const arn = sa.annotations.get('eks.amazonaws.com/role-arn');
  assert.equal([sa.name?.value, sa.name?.unknown, arn?.value.value, arn?.value.unknown], ['{{ .Env.APP }}', true, '{{ .Env.ROLE_ARN }}', true]);
});

test.run();
