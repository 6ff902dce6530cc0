/**
 * Rendered Helm charts through standard input: `helm template … | irsa-lint lint - …` with the
 * repository's trust policies on disk. Findings point at the stream and name the template of their
 * document (Helm's `# Source:` comment) as a related location. The stream is the AWS EBS CSI
 * driver chart's real `helm template` output (fixtures/_helm/SOURCES.md says how it was made).
 */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lint } from '../../src/api.js';
import { main } from '../../src/cli.js';
import { sourceOf, templateLine } from '../../src/load/helm.js';
import { FIXTURES } from '../helpers.js';
import { rmRepo, tmpRepo } from '../config/tmp.js';

const REPO = path.join(FIXTURES, '_helm', 'ebs-csi');
const STREAM = fs.readFileSync(path.join(FIXTURES, '_helm', 'ebs-csi.rendered.yaml'), 'utf8');

async function cli(argv: string[], cwd: string, stdin: string) {
  let out = '';
  let err = '';
  const code = await main(argv, { cwd, env: {}, stdout: (s) => (out += s), stderr: (s) => (err += s), readStdin: () => stdin, isTTY: false });
  return { code, out, err };
}

const finding = (file: string, template: string) =>
  `${file}:11:33  error  trust policy of role "arn:aws:iam::111122223333:role/AmazonEKS_EBS_CSI_DriverRole" does not admit "system:serviceaccount:storage:ebs-csi-controller-sa"  irsa/role-trusts-service-account\n` +
  '    related: iam/AmazonEKS_EBS_CSI_DriverRole.json:20:105  trust policy "sub" condition\n' +
  `    related: ${template}:1:1  rendered from this Helm template\n`;

test('the rendered chart against the trust policy on disk: the finding, the trust policy and the template', async () => {
  const r = await cli(['lint', '--no-color', '-', '--stdin-filename', 'charts/aws-ebs-csi-driver/rendered.yaml', 'iam/'], REPO, STREAM);
  assert.equal([r.code, r.err], [1, '']);
  assert.is(r.out, `${finding('charts/aws-ebs-csi-driver/rendered.yaml', 'charts/aws-ebs-csi-driver/templates/serviceaccount-csi-controller.yaml')}\n1 problem (1 error, 0 warnings, 0 notes) in 2 files\n`);
});

test('with the whole repository: the chart whose output is linted gets no note; --context reports only on the stream', async () => {
  const expected = `${finding('charts/aws-ebs-csi-driver/rendered.yaml', 'charts/aws-ebs-csi-driver/templates/serviceaccount-csi-controller.yaml')}\n1 problem (1 error, 0 warnings, 0 notes) in 3 files\n`;
  const all = await cli(['lint', '--no-color', '-', '--stdin-filename', 'charts/aws-ebs-csi-driver/rendered.yaml', '.'], REPO, STREAM);
  assert.is(all.out, expected);
  const ctx = await cli(['lint', '--no-color', '--context', '.', '-', '--stdin-filename', 'charts/aws-ebs-csi-driver/rendered.yaml'], REPO, STREAM);
  assert.is(ctx.out, expected);
  // Without the stream, the chart is noted: its templates were not linted.
  const plain = await cli(['lint', '--no-color', '.'], REPO, '');
  assert.match(plain.out, /^charts\/aws-ebs-csi-driver\/Chart\.yaml:3:7 {2}note {2}Helm chart "aws-ebs-csi-driver" \(2 templates\)/);
});

test('a template that is not on disk is named as the comment gives it, at line 1', async () => {
  const r = await cli(['lint', '--no-color', '-', 'iam'], REPO, STREAM);
  assert.is(r.out, `${finding('<stdin>', 'aws-ebs-csi-driver/templates/serviceaccount-csi-controller.yaml')}\n1 problem (1 error, 0 warnings, 0 notes) in 2 files\n`);
  // The chart is found by name among the charts of the run too, wherever the stream is shown.
  const named = await lint(['-', '.'], { cwd: REPO, stdin: STREAM });
  assert.equal(named.findings.map((f) => f.related.map((x) => `${x.location.file}:${x.location.line}`)), [['iam/AmazonEKS_EBS_CSI_DriverRole.json:20', 'charts/aws-ebs-csi-driver/templates/serviceaccount-csi-controller.yaml:1']]);
});

test('the related location is the template line that sets the key of the finding, when only one does', async () => {
  const chart = {
    'chart/Chart.yaml': 'apiVersion: v2\nname: app\nversion: 1.0.0\n',
    'chart/templates/deployment.yaml': [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: {{ .Release.Name }}',
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      '        - name: app',
      '          image: amazon/aws-cli',
      '      volumes:',
      '        - name: token',
      '          projected:',
      '            sources:',
      '              - serviceAccountToken:',
      '                  expirationSeconds: {{ .Values.tokenSeconds }}',
      '                  path: token',
      '',
    ].join('\n'),
  };
  const rendered = [
    '---',
    '# Source: app/templates/deployment.yaml',
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: web',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: app',
    '          image: amazon/aws-cli',
    '      volumes:',
    '        - name: token',
    '          projected:',
    '            sources:',
    '              - serviceAccountToken:',
    '                  expirationSeconds: 300',
    '                  path: token',
    '---',
    '# Source: app/templates/missing.yaml',
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  name: job',
    'spec:',
    '  containers:',
    '    - name: job',
    '      image: amazon/aws-cli',
    '  volumes:',
    '    - name: token',
    '      projected:',
    '        sources:',
    '          - serviceAccountToken:',
    '              expirationSeconds: 60',
    '              path: token',
    '',
  ].join('\n');
  const dir = tmpRepo(chart);
  try {
    const r = await lint(['-', '.'], { cwd: dir, stdin: rendered, stdinFilename: 'chart/rendered.yaml', only: ['k8s/token-expiration-minimum'] });
    assert.equal(
      r.findings.map((f) => `${f.location.file}:${f.location.line}:${f.location.column} ${f.related.map((x) => `${x.location.file}:${x.location.line}:${x.location.column}-${x.location.endColumn}`).join(' ')}`),
      [
        'chart/rendered.yaml:18:38 chart/templates/deployment.yaml:16:19-36',
        // The chart is found, the template is not there (rendered from another version of the chart).
        'chart/rendered.yaml:35:34 chart/templates/missing.yaml:1:1-1',
      ],
    );
  } finally {
    rmRepo(dir);
  }
});

test('a # Source: path that would leave its chart is named as written, never resolved', async () => {
  const stream = STREAM.replace('# Source: aws-ebs-csi-driver/templates/serviceaccount-csi-controller.yaml', '# Source: aws-ebs-csi-driver/../../iam/AmazonEKS_EBS_CSI_DriverRole.json');
  const r = await lint(['-', '.'], { cwd: REPO, stdin: stream, stdinFilename: 'charts/aws-ebs-csi-driver/rendered.yaml' });
  assert.equal(r.findings.map((f) => f.related.map((x) => `${x.location.file}:${x.location.line}:${x.location.column}`)), [
    ['iam/AmazonEKS_EBS_CSI_DriverRole.json:20:105', 'aws-ebs-csi-driver/../../iam/AmazonEKS_EBS_CSI_DriverRole.json:1:1'],
  ]);
});

test('sourceOf: the # Source: comment among the comments that open a document', () => {
  assert.equal(sourceOf('---\n# Source: app/templates/sa.yaml\nkind: ServiceAccount\n', 7), { path: 'app/templates/sa.yaml', line: 8 });
  assert.equal(sourceOf('---\n# a comment\n#Source:   app/templates/sa.yaml  \r\nkind: A\n', 1), { path: 'app/templates/sa.yaml', line: 3 });
  assert.is(sourceOf('kind: A\n# Source: app/templates/sa.yaml\n', 1), undefined, 'only before the content');
  assert.is(sourceOf('--- !tag\n# Source: x/templates/a.yaml\n', 1), undefined, 'content on the marker line');
  assert.is(sourceOf('---\n# Source:\nkind: A\n', 1), undefined);
});

test('templateLine: the one template line that sets the same key', () => {
  const t = 'metadata:\n  name: {{ .Release.Name }}\nspec:\n  serviceAccountName: {{ .Values.sa }}\n  containers:\n    - name: app\n      env:\n        - name: "AWS_REGION"\n';
  assert.equal(templateLine(t, '  serviceAccountName: web'), { line: 4, column: 3, endColumn: 21 });
  assert.is(templateLine(t, '    - name: app'), undefined, 'name is set on three lines');
  assert.is(templateLine(t, '    eks.amazonaws.com/role-arn: arn:aws:iam::1:role/x'), undefined, 'a key the template takes from values');
  assert.is(templateLine(t, '        value: x'), undefined);
  assert.is(templateLine(t, '  - plain list item'), undefined);
});

test.run();
