/** Helm charts: templates are never read, one note per chart, subcharts fold into their parent. */
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lint, RULES } from '../../src/api.js';
import { main } from '../../src/cli.js';
import { parseConfig } from '../../src/config/load.js';
import { discover, displayPath } from '../../src/load/discover.js';
import { chartName, chartPlace, renderCommand } from '../../src/load/helm.js';
import { FIXTURES } from '../helpers.js';
import { rmRepo, tmpRepo } from '../config/tmp.js';

const CHARTS = path.join(FIXTURES, 'parse', 'template', 'invalid-helm-charts');

async function cli(argv: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { cwd, env: {}, stdout: (s) => (out += s), stderr: (s) => (err += s), readStdin: () => '', isTTY: false });
  return { code, out, err };
}

const NOTE_APP =
  'charts/app/Chart.yaml:2:7  note  Helm chart "app" (3 templates) is not linted as written: Go templates are YAML only once rendered; lint the rendered chart: helm template app charts/app | irsa-lint lint - --stdin-filename charts/app/rendered.yaml .  parse/template\n';
const NOTE_WORKER =
  'charts/worker/Chart.yaml:2:7  note  Helm chart "worker" (1 template) is not linted as written: Go templates are YAML only once rendered; lint the rendered chart: helm template worker charts/worker | irsa-lint lint - --stdin-filename charts/worker/rendered.yaml .  parse/template\n';

test('discovery: chart templates, values and Chart.yaml are not files to read; subcharts count for their parent', () => {
  const r = discover(['.'], CHARTS);
  assert.equal(r.files.map((f) => displayPath(f, CHARTS)), ['k8s/sa.yaml']);
  assert.equal(
    r.charts.map((c) => [displayPath(c.dir, CHARTS), [...c.templates].map((t) => displayPath(t, CHARTS)).sort()]),
    [
      ['charts/app', ['charts/app/charts/cache/templates/statefulset.yaml', 'charts/app/templates/deployment.yaml', 'charts/app/templates/serviceaccount.yaml']],
      ['charts/worker', ['charts/worker/templates/job.yaml']],
    ],
    'partials (_helpers.tpl) and NOTES.txt are not templates of manifests',
  );
});

test('every rule: a repository with charts has no finding above note and exits 0, one note per chart', async () => {
  const r = await cli(['lint', '--no-color'], CHARTS);
  assert.equal([r.code, r.err], [0, '']);
  assert.is(r.out, `${NOTE_APP}${NOTE_WORKER}\n2 problems (0 errors, 0 warnings, 2 notes) in 3 files\n`);
});

test('paths named on the command line inside a chart: templates and metadata are not read, the chart is still noted', async () => {
  const one = discover(['charts/app/templates/deployment.yaml', 'charts/app/values.yaml', 'charts/app/Chart.yaml'], CHARTS);
  assert.equal(one.files, []);
  assert.equal(one.charts.map((c) => [displayPath(c.dir, CHARTS), c.templates.size]), [['charts/app', 1]]);
  const sub = discover(['charts/app/charts/cache'], CHARTS);
  assert.equal(sub.charts.map((c) => [displayPath(c.dir, CHARTS), c.templates.size]), [['charts/app', 1]], 'a subchart walked alone counts for its parent');
  const tpl = discover(['charts/worker/templates'], CHARTS);
  assert.equal([tpl.files, tpl.charts.map((c) => c.templates.size)], [[], [1]]);
  assert.equal(chartPlace(path.join(CHARTS, 'charts/app/charts/cache/templates/statefulset.yaml')), {
    chart: path.join(CHARTS, 'charts/app'),
    root: path.join(CHARTS, 'charts/app/charts/cache'),
    inTemplates: true,
    metadata: false,
  });
  assert.is(chartPlace(path.join(CHARTS, 'k8s/sa.yaml')), undefined);
  // pre-commit passes a staged template: nothing is parsed, nothing blocks the commit.
  const r = await cli(['lint', '--no-color', '--context', '.', 'charts/app/templates/deployment.yaml', 'charts/app/templates/serviceaccount.yaml'], CHARTS);
  assert.equal([r.code, r.out], [0, 'no problems found in 3 files\n']);
});

test('the note can be suppressed in Chart.yaml, turned off, or excluded with the chart', async () => {
  const dir = tmpRepo({ 'chart/Chart.yaml': '# irsa-lint-disable parse/template -- rendered and linted in CI\napiVersion: v2\nname: svc\nversion: 1.0.0\n', 'chart/templates/sa.yaml': 'kind: ServiceAccount\nmetadata:\n  name: {{ .Values.name }}-sa\n' });
  try {
    const r = await lint(['.'], { cwd: dir });
    assert.equal(r.findings.map((f) => `${f.location.file}:${f.location.line}:${f.location.column} ${f.ruleId} ${f.suppressions?.[0]?.justification ?? ''}`), ['chart/Chart.yaml:3:7 parse/template rendered and linted in CI']);
    assert.equal((await lint(['.'], { cwd: dir, rules: { 'parse/template': 'off' } })).findings, []);
    const config = parseConfig('exclude: [chart/]\n', path.join(dir, '.irsa-lint.yaml'), '.irsa-lint.yaml', RULES);
    assert.equal((await lint(['.'], { cwd: dir, config })).findings, []);
    // Run from inside the chart: the command names it ".".
    const inside = await lint(['.'], { cwd: path.join(dir, 'chart') });
    assert.match(inside.findings[0].message, /lint the rendered chart: helm template svc \. \| irsa-lint lint - --stdin-filename rendered\.yaml \.$/);
  } finally {
    rmRepo(dir);
  }
});

test('a chart without templates to render (a library chart) gets no note', async () => {
  const dir = tmpRepo({ 'lib/Chart.yaml': 'apiVersion: v2\nname: lib\ntype: library\nversion: 1.0.0\n', 'lib/templates/_sa.tpl': '{{- define "lib.sa" -}}\nkind: ServiceAccount\n{{- end }}\n', 'lib/values.yaml': 'kind: Deployment\n' });
  try {
    const r = await lint(['.'], { cwd: dir });
    assert.equal([r.findings, r.files.map((f) => f.path)], [[], []]);
  } finally {
    rmRepo(dir);
  }
});

test('chartName: the value of name, quoted or not, with its span; the first line when there is none', () => {
  assert.equal(chartName('apiVersion: v2\nname: web\n', 'C'), { name: 'web', span: { file: 'C', line: 2, column: 7, endLine: 2, endColumn: 10 } });
  assert.equal(chartName('name: "web"  # the chart\n', 'C'), { name: 'web', span: { file: 'C', line: 1, column: 7, endLine: 1, endColumn: 12 } });
  assert.equal(chartName("name:   'a b'\n", 'C'), { name: 'a b', span: { file: 'C', line: 1, column: 9, endLine: 1, endColumn: 14 } });
  assert.equal(chartName('apiVersion: v2\r\n', 'C'), { span: { file: 'C', line: 1, column: 1, endLine: 1, endColumn: 15 } });
  assert.is(renderCommand('a b', 'my charts/x'), "helm template 'a b' 'my charts/x' | irsa-lint lint - --stdin-filename 'my charts/x/rendered.yaml' .");
});

test.run();
