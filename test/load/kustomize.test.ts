import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KustomizeBuilds } from '../../src/load/kustomize.js';
import { loadSources } from '../../src/load/loader.js';
import type { SecretLike, ServiceAccount, Workload } from '../../src/model/k8s.js';
import { subSpan, type Span } from '../../src/model/span.js';

/** Files under a directory that does not exist on disk: everything comes from the loaded texts. */
const ROOT = '/nonexistent-irsa-lint-test';
const file = (p: string, text: string) => ({ path: p, abs: `${ROOT}/${p}`, text });
const sa = (name: string, ns?: string) => `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ${name}\n${ns ? `  namespace: ${ns}\n` : ''}`;

function namespaces(files: ReturnType<typeof file>[]): Record<string, string> {
  const r = loadSources(files);
  const out: Record<string, string> = {};
  for (const x of r.resources as ServiceAccount[]) out[x.name?.value ?? '?'] = x.namespaceUnknown ? '<unknown>' : x.namespace;
  return out;
}

test('namespace applies to listed files, recursively through bases; the overlay wins', () => {
  const ns = namespaces([
    file('base/kustomization.yaml', 'namespace: base-ns\nresources:\n  - sa.yaml\n'),
    file('base/sa.yaml', sa('in-base')),
    file('overlay/kustomization.yaml', 'kind: Kustomization\nnamespace: prod\nbases:\n  - ../base\nresources:\n  - ./extra.yaml\n'),
    file('overlay/extra.yaml', sa('in-overlay')),
    file('loose.yaml', sa('loose')),
  ]);
  assert.equal(ns, { 'in-base': 'prod', 'in-overlay': 'prod', loose: 'default' });
});

test('the base keeps its namespace when no overlay sets one, and when linted alone', () => {
  const base = [file('base/kustomization.yml', 'namespace: team-a\nresources: [sa.yaml]\n'), file('base/sa.yaml', sa('app'))];
  assert.equal(namespaces(base), { app: 'team-a' });
  assert.equal(namespaces([...base, file('overlay/Kustomization', 'resources:\n- ../base\n')]), { app: 'team-a' });
});

test('unknown: different namespaces in two builds, a templated namespace, an explicit other namespace', () => {
  const ns = namespaces([
    file('base/kustomization.yaml', 'resources:\n- sa.yaml\n- explicit.yaml\n- same.yaml\n'),
    file('base/sa.yaml', sa('shared')),
    file('base/explicit.yaml', sa('explicit', 'elsewhere')),
    file('base/same.yaml', sa('same', 'dev')),
    file('dev/kustomization.yaml', 'namespace: dev\nresources:\n- ../base\n'),
    file('prod/kustomization.yaml', 'namespace: dev\nresources:\n- ../base\n'),
    file('tpl/kustomization.yaml', 'namespace: ${NS}\nresources:\n- sa.yaml\n'),
    file('tpl/sa.yaml', sa('templated')),
    file('pre/kustomization.yaml', 'namespace: x\nnamePrefix: p-\nresources:\n- sa.yaml\n'),
    file('pre/sa.yaml', sa('prefixed')),
  ]);
  assert.equal(ns, { shared: 'dev', explicit: '<unknown>', same: 'dev', templated: '<unknown>', 'p-prefixed': 'x' });
  const two = namespaces([
    file('base/kustomization.yaml', 'resources:\n- sa.yaml\n'),
    file('base/sa.yaml', sa('shared')),
    file('dev/kustomization.yaml', 'namespace: dev\nresources:\n- ../base\n'),
    file('prod/kustomization.yaml', 'namespace: prod\nresources:\n- ../base\n'),
  ]);
  assert.equal(two, { shared: '<unknown>' });
});

test('odd input never throws: cycles, remote bases, broken YAML, no abs path', () => {
  const m = new KustomizeBuilds([
    file('a/kustomization.yaml', 'namespace: a\nresources:\n- ../b\n- https://github.com/x/y//base?ref=v1\n- github.com/x/y\n- sa.yaml\n'),
    file('b/kustomization.yaml', 'namespace: b\nresources:\n- ../a\n'),
    file('a/sa.yaml', sa('x')),
    file('c/kustomization.yaml', 'resources: [\n'),
    file('d/kustomization.yaml', '- just\n- a list\n'),
    { path: '<stdin>', text: 'namespace: z' },
  ]);
  assert.is(m.namespaceOf('a/sa.yaml'), undefined, 'a cycle has no root (kustomize refuses it)');
  assert.not.ok(m.rewrites('a/sa.yaml'));
  const odd = loadSources([
    file('k/kustomization.yaml', 'namePrefix: [x]\nnameSuffix: {a: 1}\nresources: [w.yaml, ../k]\nconfigMapGenerator: [{name: [1]}, 7, {name: cfg, options: 3}]\ngeneratorOptions: [1]\n'),
    file('k/w.yaml', 'apiVersion: v1\nkind: List\nitems:\n- 3\n- {kind: Pod, metadata: [1], spec: {serviceAccountName: {a: 1}, volumes: [1, {name: v, secret: {secretName: [2]}}], containers: [{name: c, envFrom: [1, {configMapRef: {name: cfg}}]}]}}\n'),
  ]);
  assert.ok(Array.isArray(odd.resources));
});

const at = (s: Span) => `${s.file}:${s.line}:${s.column}-${s.endLine}:${s.endColumn}`;
const pod = (name: string, body: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n${body}`;
const of = <T>(r: ReturnType<typeof loadSources>, kind: string) => r.resources.filter((x) => x.kind === kind) as unknown as T[];

test('namePrefix and nameSuffix rename the objects and the references kustomize rewrites, with positions', () => {
  const r = loadSources([
    file('app/kustomization.yaml', 'namePrefix: shop-\nnameSuffix: -v2\nnamespace: shop\nresources:\n- sa.yaml\n- pod.yaml\n'),
    file('app/sa.yaml', `${sa('app')}---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws\n`),
    file(
      'app/pod.yaml',
      pod(
        'web',
        [
          '  serviceAccountName: app',
          '  volumes:',
          '  - {name: c, secret: {secretName: creds}}',
          '  - {name: p, projected: {sources: [{secret: {name: creds}}, {configMap: {name: aws}}]}}',
          '  - {name: m, configMap: {name: aws}}',
          '  containers:',
          '  - name: web',
          '    image: web:1',
          '    env: [{name: K, valueFrom: {secretKeyRef: {name: creds, key: k}}}]',
          '    envFrom: [{configMapRef: {name: aws}}, {secretRef: {name: other}}]',
          '',
        ].join('\n'),
      ),
    ),
  ]);
  const [s] = of<ServiceAccount>(r, 'k8s:ServiceAccount');
  assert.is(s.name?.value, 'shop-app-v2');
  assert.not.ok(s.name?.unknown);
  assert.is(s.key, 'k8s:ServiceAccount/shop/shop-app-v2');
  assert.is(at(s.name!.span), 'app/sa.yaml:4:9-4:12', 'the written name');
  assert.is(at(subSpan(s.name!, 5, 8)), 'app/sa.yaml:4:9-4:12', 'the written characters');
  assert.is(at(subSpan(s.name!, 6, 7)), 'app/sa.yaml:4:10-4:11');
  assert.is(at(subSpan(s.name!, 0, 5)), 'app/sa.yaml:4:9-4:12', 'the prefix characters point at the written name');
  assert.is(at(subSpan(s.name!, 8, 11)), 'app/sa.yaml:4:9-4:12', 'the suffix characters too');
  assert.equal(of<SecretLike>(r, 'k8s:Secret').map((x) => x.name?.value), ['shop-creds-v2']);
  const [w] = of<Workload>(r, 'k8s:Pod');
  assert.is(w.name?.value, 'shop-web-v2');
  assert.is(w.podSpec.effectiveServiceAccount, 'shop-app-v2');
  assert.is(at(w.podSpec.serviceAccountSpan), 'app/pod.yaml:6:23-6:26');
  assert.equal(w.podSpec.volumes.map((v) => [v.secretName?.value, v.configMapName?.value, v.sources.map((x) => x.name?.value)]), [
    ['shop-creds-v2', undefined, []],
    [undefined, undefined, ['shop-creds-v2', 'shop-aws-v2']],
    [undefined, 'shop-aws-v2', []],
  ]);
  const c = w.podSpec.containers[0];
  assert.is(c.env[0].valueFrom?.name?.value, 'shop-creds-v2');
  assert.equal(c.envFrom.map((e) => e.name?.value), ['shop-aws-v2', 'other'], 'a Secret outside the build keeps its name');
});

test('an overlay adds its prefix in front of its base\'s and its suffix after; references across bases', () => {
  const r = loadSources([
    file('base/kustomization.yaml', 'namePrefix: base-\nnameSuffix: -b\nresources: [sa.yaml]\n'),
    file('base/sa.yaml', sa('app')),
    file('other/kustomization.yaml', 'resources: [pods.yaml]\n'),
    file('other/pods.yaml', `${pod('p1', '  serviceAccountName: app\n  containers: [{name: c, image: i}]\n')}---\n${pod('p2', '  serviceAccountName: base-app-b\n  containers: [{name: c, image: i}]\n')}---\n${pod('p3', '  serviceAccountName: default\n  containers: [{name: c, image: i}]\n')}`),
    file('prod/kustomization.yaml', 'namePrefix: prod-\nnameSuffix: -1\nnamespace: prod\nresources: [../base, ../other]\n'),
  ]);
  assert.equal(of<ServiceAccount>(r, 'k8s:ServiceAccount').map((x) => x.key), ['k8s:ServiceAccount/prod/prod-base-app-b-1']);
  assert.equal(of<Workload>(r, 'k8s:Pod').map((x) => [x.name?.value, x.podSpec.effectiveServiceAccount]), [
    ['prod-p1-1', 'prod-base-app-b-1'],
    ['prod-p2-1', 'prod-base-app-b-1'],
    ['prod-p3-1', 'default'],
  ]);
});

test('kustomize does not rewrite the deprecated serviceAccount, ReplicaSets\' serviceAccountName, ReplicationControllers\' Secrets, nor references to objects of other namespaces', () => {
  const tpl = (kind: string, api: string, body: string) => `apiVersion: ${api}\nkind: ${kind}\nmetadata:\n  name: w\nspec:\n  template:\n    spec:\n${body}`;
  const r = loadSources([
    file('k/kustomization.yaml', 'namePrefix: p-\nresources: [objs.yaml, w.yaml, other-ns.yaml]\n'),
    file('k/objs.yaml', `${sa('app')}---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\n`),
    file(
      'k/w.yaml',
      [
        tpl('ReplicaSet', 'apps/v1', '      serviceAccountName: app\n      volumes: [{name: s, secret: {secretName: creds}}]\n      containers: [{name: c, image: i}]\n'),
        tpl('ReplicationController', 'v1', '      serviceAccountName: app\n      volumes: [{name: s, secret: {secretName: creds}}]\n      containers: [{name: c, image: i}]\n'),
        pod('old', '  serviceAccount: app\n  containers: [{name: c, image: i}]\n'),
      ].join('---\n'),
    ),
    file('k/other-ns.yaml', `apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  namespace: elsewhere\nspec:\n  serviceAccountName: app\n  volumes: [{name: s, secret: {secretName: creds}}]\n  containers: [{name: c, image: i}]\n`),
  ]);
  const ws = r.resources.filter((x) => 'podSpec' in x) as Workload[];
  assert.equal(ws.map((w) => [w.kind, w.podSpec.effectiveServiceAccount, w.podSpec.volumes[0]?.secretName?.value]), [
    ['k8s:ReplicaSet', 'app', 'p-creds'],
    ['k8s:ReplicationController', 'p-app', 'creds'],
    ['k8s:Pod', 'app', undefined],
    ['k8s:Pod', 'app', 'creds'],
  ]);
});

test('generated ConfigMaps and Secrets: references get the prefix and an unknown hash, unless hashing is off', () => {
  const r = loadSources([
    file('k/kustomization.yaml', 'namePrefix: p-\nresources: [pod.yaml]\nconfigMapGenerator:\n- name: hashed\n  literals: [a=b]\n- name: plain\n  options: {disableNameSuffixHash: true}\nsecretGenerator:\n- name: creds\n'),
    file('k/pod.yaml', pod('w', '  volumes: [{name: a, configMap: {name: hashed}}, {name: b, configMap: {name: plain}}, {name: c, secret: {secretName: creds}}]\n  containers: [{name: c, image: i}]\n')),
  ]);
  const [w] = of<Workload>(r, 'k8s:Pod');
  assert.equal(w.podSpec.volumes.map((v) => [(v.configMapName ?? v.secretName)?.value, !!(v.configMapName ?? v.secretName)?.unknown]), [
    ['p-hashed-${hash}', true],
    ['p-plain', false],
    ['p-creds-${hash}', true],
  ]);
});

test('unknown names: two builds that disagree, a templated prefix, a component that renames; a build that agrees', () => {
  const r = loadSources([
    file('base/kustomization.yaml', 'resources: [sa.yaml, pod.yaml]\n'),
    file('base/sa.yaml', sa('app')),
    file('base/pod.yaml', pod('w', '  serviceAccountName: app\n  containers: [{name: c, image: i}]\n')),
    file('dev/kustomization.yaml', 'namePrefix: dev-\nresources: [../base]\n'),
    file('prod/kustomization.yaml', 'namePrefix: prod-\nresources: [../base]\n'),
    file('tpl/kustomization.yaml', 'namePrefix: ${ENV}-\nresources: [sa.yaml]\n'),
    file('tpl/sa.yaml', sa('templated')),
    file('comp/kustomization.yaml', 'resources: [sa.yaml]\ncomponents: [../c]\n'),
    file('comp/sa.yaml', sa('with-component')),
    file('c/kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nnameSuffix: -x\n'),
    file('same/kustomization.yaml', 'namePrefix: s-\nresources: [sa.yaml]\n'),
    file('same/sa.yaml', sa('agreed')),
    file('same2/kustomization.yaml', 'namePrefix: s-\nresources: [../same/sa.yaml]\n'),
  ]);
  const names = of<ServiceAccount>(r, 'k8s:ServiceAccount').map((x) => [x.name?.value, !!x.name?.unknown]);
  assert.equal(names, [
    ['dev-app', true],
    ['${ENV}-templated', true],
    ['with-component', true],
    ['s-agreed', false],
  ]);
  const [w] = of<Workload>(r, 'k8s:Pod');
  assert.ok(w.podSpec.serviceAccountUnknown, 'the reference differs between the builds');
});

test.run();
