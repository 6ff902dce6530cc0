import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { kustomizeNamespaces } from '../../src/load/kustomize.js';
import { loadSources } from '../../src/load/loader.js';
import type { ServiceAccount, Workload } from '../../src/model/k8s.js';

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

test('unknown: different namespaces in two builds, a templated namespace, an explicit other namespace, renames', () => {
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
  assert.equal(ns, { shared: 'dev', explicit: '<unknown>', same: 'dev', templated: '<unknown>', prefixed: '<unknown>' });
  const two = namespaces([
    file('base/kustomization.yaml', 'resources:\n- sa.yaml\n'),
    file('base/sa.yaml', sa('shared')),
    file('dev/kustomization.yaml', 'namespace: dev\nresources:\n- ../base\n'),
    file('prod/kustomization.yaml', 'namespace: prod\nresources:\n- ../base\n'),
  ]);
  assert.equal(two, { shared: '<unknown>' });
});

test('renamed objects: name unknown; workloads skipped', () => {
  const r = loadSources([
    file('k/kustomization.yaml', 'namePrefix: p-\nresources:\n- all.yaml\n'),
    file('k/all.yaml', `${sa('app')}---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: pod\nspec:\n  serviceAccountName: app\n  containers: [{name: c, image: i}]\n`),
  ]);
  const [s, p] = r.resources as [ServiceAccount, Workload];
  assert.ok(s.name?.unknown);
  assert.ok(p.namespaceUnknown);
});

test('odd input never throws: cycles, remote bases, broken YAML, no abs path', () => {
  const m = kustomizeNamespaces([
    file('a/kustomization.yaml', 'namespace: a\nresources:\n- ../b\n- https://github.com/x/y//base?ref=v1\n- github.com/x/y\n- sa.yaml\n'),
    file('b/kustomization.yaml', 'namespace: b\nresources:\n- ../a\n'),
    file('a/sa.yaml', sa('x')),
    file('c/kustomization.yaml', 'resources: [\n'),
    file('d/kustomization.yaml', '- just\n- a list\n'),
    { path: '<stdin>', text: 'namespace: z' },
  ]);
  assert.ok(m instanceof Map);
});

test.run();
