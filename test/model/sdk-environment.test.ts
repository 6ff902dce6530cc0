/** What the AWS SDK in a container sees (src/model/sdk-environment.ts), read from loaded manifests. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadSources } from '../../src/load/loader.js';
import { Index } from '../../src/model/index.js';
import type { SecretLike, Workload } from '../../src/model/k8s.js';
import { sdkEnvironment, sdkEnvironments, type Presence, type SdkEnvironment } from '../../src/model/sdk-environment.js';
import type { Located, Span } from '../../src/model/span.js';

type Text = (l: Located<unknown> | Span | undefined) => string | undefined;

function load(yaml: string): { index: Index; workload: Workload; text: Text } {
  const { resources } = loadSources([{ path: 'k8s.yaml', text: yaml }]);
  const index = new Index(resources);
  const workload = index.ofKind<Workload>('k8s:PodSpecOwner')[0];
  const lines = yaml.split('\n');
  /** The source text of a one-line span. */
  const text: Text = (l) => {
    const s = l && 'span' in l ? l.span : l;
    return s && s.line === s.endLine ? lines[s.line - 1].slice(s.column - 1, s.endColumn - 1) : undefined;
  };
  return { index, workload, text };
}

function view(yaml: string, container = 0, options = {}): SdkEnvironment & { text: Text } {
  const { index, workload, text } = load(yaml);
  return Object.assign(sdkEnvironments(index, workload, options)[container], { text });
}

/** A compact reading of a presence: `set:<via>=<value>`, `set:<via>` (value not known), `unset`, `maybe`. */
function show(p: Presence): string {
  if (p.state !== 'set') return p.state;
  return p.value ? `set:${p.via}=${p.value.value}` : `set:${p.via}`;
}

const pod = (env: string, extra = '', spec = '') => `apiVersion: v1
kind: Pod
metadata:
  name: app
  namespace: team
spec:
  serviceAccountName: app
${spec}  containers:
    - name: main
      image: example/app
      env:
${env}
${extra}`;

const SOURCES = `---
apiVersion: v1
kind: Secret
metadata:
  name: keys
  namespace: team
stringData:
  id: AKIAEXAMPLE
  empty: ""
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: team
data:
  REGION: eu-west-1
  AWS_PROFILE: ops
`;

// ---------------------------------------------------------------- env(name)

const envCases: [what: string, env: string, name: string, expected: string][] = [
  ['a literal value', '        - { name: AWS_REGION, value: eu-west-1 }', 'AWS_REGION', 'set:value=eu-west-1'],
  ['an empty value is unset', '        - { name: AWS_REGION, value: "" }', 'AWS_REGION', 'unset'],
  ['a templated value may be set', '        - { name: AWS_REGION, value: "${REGION}" }', 'AWS_REGION', 'maybe'],
  ['the last of duplicate names wins', '        - { name: AWS_REGION, value: a }\n        - { name: AWS_REGION, value: b }', 'AWS_REGION', 'set:value=b'],
  ['a fieldRef may be set', '        - { name: AWS_REGION, valueFrom: { fieldRef: { fieldPath: metadata.name } } }', 'AWS_REGION', 'maybe'],
  ['a secretKeyRef to a key of the repository', '        - { name: AWS_ACCESS_KEY_ID, valueFrom: { secretKeyRef: { name: keys, key: id } } }', 'AWS_ACCESS_KEY_ID', 'set:secretKeyRef=AKIAEXAMPLE'],
  ['a secretKeyRef to an empty key is unset', '        - { name: AWS_ACCESS_KEY_ID, valueFrom: { secretKeyRef: { name: keys, key: empty } } }', 'AWS_ACCESS_KEY_ID', 'unset'],
  ['an optional secretKeyRef to a missing key is unset', '        - { name: X, valueFrom: { secretKeyRef: { name: keys, key: nope, optional: true } } }', 'X', 'unset'],
  ['a mandatory secretKeyRef to a missing key: the pod does not start', '        - { name: X, valueFrom: { secretKeyRef: { name: keys, key: nope } } }', 'X', 'maybe'],
  ['a mandatory secretKeyRef to a Secret elsewhere is set, value unknown', '        - { name: X, valueFrom: { secretKeyRef: { name: elsewhere, key: k } } }', 'X', 'set:secretKeyRef'],
  ['an optional secretKeyRef to a Secret elsewhere may be set', '        - { name: X, valueFrom: { secretKeyRef: { name: elsewhere, key: k, optional: "true" } } }', 'X', 'maybe'],
  ['a configMapKeyRef', '        - { name: AWS_REGION, valueFrom: { configMapKeyRef: { name: settings, key: REGION } } }', 'AWS_REGION', 'set:configMapKeyRef=eu-west-1'],
  ['not set anywhere', '        - { name: A, value: b }', 'AWS_REGION', 'unset'],
];

for (const [what, env, name, expected] of envCases) {
  test(`env: ${what}`, () => {
    assert.is(show(view(pod(env) + SOURCES).env(name)), expected);
  });
}

const envFrom = (sources: string, env = '        - { name: A, value: b }') => pod(env, `      envFrom:\n${sources}\n`) + SOURCES;

const envFromCases: [what: string, yaml: string, name: string, expected: string][] = [
  ['envFrom with a prefix', envFrom('        - prefix: AWS_\n          configMapRef: { name: settings }'), 'AWS_REGION', 'set:envFrom=eu-west-1'],
  ['envFrom without the prefixed key', envFrom('        - prefix: AWS_\n          configMapRef: { name: settings }'), 'REGION', 'unset'],
  ['env wins over envFrom', envFrom('        - configMapRef: { name: settings }', '        - { name: REGION, value: us-east-1 }'), 'REGION', 'set:value=us-east-1'],
  ['a later source outside the repository may override', envFrom('        - configMapRef: { name: settings }\n        - secretRef: { name: elsewhere }'), 'REGION', 'maybe'],
  ['an earlier source outside the repository does not', envFrom('        - secretRef: { name: elsewhere }\n        - configMapRef: { name: settings }'), 'REGION', 'set:envFrom=eu-west-1'],
  ['a name no known source sets, with a source outside the repository', envFrom('        - configMapRef: { name: settings }\n        - secretRef: { name: elsewhere }'), 'NOT_SET', 'maybe'],
  ['a name no source sets, every source known', envFrom('        - configMapRef: { name: settings }'), 'NOT_SET', 'unset'],
  ['a name env sets, with a source outside the repository', envFrom('        - secretRef: { name: elsewhere }'), 'A', 'set:value=b'],
];

for (const [what, yaml, name, expected] of envFromCases) {
  test(`env: ${what}`, () => {
    assert.is(show(view(yaml).env(name)), expected);
  });
}

test('env: positions point at the env name and the data key', () => {
  const v = view(pod('        - { name: AWS_ACCESS_KEY_ID, valueFrom: { secretKeyRef: { name: keys, key: id } } }') + SOURCES);
  const p = v.env('AWS_ACCESS_KEY_ID');
  if (p.state !== 'set' || p.via !== 'secretKeyRef') return assert.unreachable(show(p));
  assert.is(v.text(p.at), 'AWS_ACCESS_KEY_ID');
  assert.is(v.text(p.key), 'id');
  assert.is(v.text(p.value), 'AKIAEXAMPLE');
  assert.is(p.key?.span.line, p.value?.span.line);
});

test('variables: the effective environment, sorted, complete only when every envFrom source is known', () => {
  const known = view(envFrom('        - prefix: CFG_\n          configMapRef: { name: settings }'));
  assert.equal([...known.variables.entries].map(([k, p]) => `${k} ${show(p)}`), ['A set:value=b', 'CFG_AWS_PROFILE set:envFrom=ops', 'CFG_REGION set:envFrom=eu-west-1']);
  assert.is(known.variables.complete, true);
  const open = view(envFrom('        - secretRef: { name: elsewhere }'));
  assert.equal([...open.variables.entries.keys()], ['A']);
  assert.is(open.variables.complete, false);
});

// ---------------------------------------------------------------- web identity

const SA = (annotations: string) => `---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: app
  namespace: team
  annotations:
${annotations}
`;
const ROLE = '    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/app';

test('webhook: the ServiceAccount annotation gives the role, unless the pod or container is skipped', () => {
  const plain = view(pod('        - { name: A, value: b }') + SA(ROLE));
  assert.is(plain.webhookRole?.value.value, 'arn:aws:iam::111122223333:role/app');
  assert.equal({ source: plain.webIdentity?.source, label: plain.webIdentity?.label, role: plain.webIdentity?.roleArn?.value }, {
    source: 'webhook',
    label: 'ServiceAccount role-arn annotation',
    role: 'arn:aws:iam::111122223333:role/app',
  });
  const skipped = pod('        - { name: A, value: b }', '', '').replace('  namespace: team\nspec:', '  namespace: team\n  annotations:\n    eks.amazonaws.com/skip-containers: main,other\nspec:');
  assert.is(view(skipped + SA(ROLE)).webhookRole, undefined);
  const labelled = pod('        - { name: A, value: b }').replace('  namespace: team\nspec:', '  namespace: team\n  labels:\n    eks.amazonaws.com/skip-pod-identity-webhook: "true"\nspec:');
  assert.is(view(labelled + SA(ROLE)).webhookRole, undefined);
  assert.is(view(pod('        - { name: A, value: b }') + SA('    eks.amazonaws.com/role-arn: "${ROLE}"')).webhookRole, undefined);
});

test('webhook: the annotation prefix is an option', () => {
  const yaml = pod('        - { name: A, value: b }') + SA('    example.com/role-arn: arn:aws:iam::111122223333:role/app');
  assert.is(view(yaml).webhookRole, undefined);
  assert.is(view(yaml, 0, { annotationPrefix: 'example.com' }).webhookRole?.value.value, 'arn:aws:iam::111122223333:role/app');
});

test('web identity: the container sets both variables; the webhook then adds nothing', () => {
  const v = view(
    pod('        - { name: AWS_ROLE_ARN, value: "arn:aws:iam::111122223333:role/own" }\n        - { name: AWS_WEB_IDENTITY_TOKEN_FILE, value: /var/run/token }') + SA(ROLE),
  );
  const wi = v.webIdentity!;
  assert.equal([wi.source, wi.label, v.text(wi.at), wi.roleArn?.value, wi.tokenFile?.value], ['env', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'arn:aws:iam::111122223333:role/own', '/var/run/token']);
  // Only one of the two: no web identity from the environment, and the webhook skips the container.
  assert.is(view(pod('        - { name: AWS_ROLE_ARN, value: "arn:aws:iam::111122223333:role/own" }') + SA(ROLE)).webIdentity, undefined);
});

// ---------------------------------------------------------------- shared files and profiles

const CCOCTL = `---
apiVersion: v1
kind: Secret
metadata:
  name: cloud-credentials
  namespace: team
stringData:
  credentials: |-
    [default]
    role_arn = arn:aws:iam::111122223333:role/ccoctl
    web_identity_token_file = /var/run/secrets/openshift/serviceaccount/token
    [ops]
    aws_access_key_id = AKIAOPS
`;

const mounted = (env: string, secret = 'cloud-credentials', items = '') =>
  pod(
    env,
    `      volumeMounts:
        - { name: creds, mountPath: /var/run/secrets/cloud }
  volumes:
    - name: creds
      secret:
        secretName: ${secret}
${items}`,
  );

test('shared files: a mounted credentials Secret, its sections and the profile with web identity', () => {
  const v = view(mounted('        - { name: AWS_SHARED_CREDENTIALS_FILE, value: /var/run/secrets/cloud/credentials }') + CCOCTL);
  const f = v.sharedFiles!;
  assert.is(f.credentialsPath, '/var/run/secrets/cloud/credentials');
  assert.is(v.text(f.credentialsAt), '/var/run/secrets/cloud/credentials');
  assert.is(f.config.state, 'unknown'); // no HOME: ~/.aws/config is not known
  assert.ok(f.credentials.state === 'known');
  if (f.credentials.state !== 'known') return;
  assert.is(f.credentials.key, 'credentials');
  // The credentials file names profiles as written: `[ops]`, not `[profile ops]`.
  assert.equal(f.credentials.sections.map((s) => [s.header, s.name, s.isProfile, v.text(s.profile?.span)]), [
    ['default', 'default', true, '[default]'],
    ['ops', 'ops', true, '[ops]'],
  ]);
  assert.equal(v.profiles, [{ name: 'default' }]);
  const wi = v.webIdentity!;
  assert.equal([wi.source, wi.profile, wi.label, v.text(wi.at), wi.roleArn?.value, v.text(wi.roleArn), wi.tokenFile?.value], [
    'profile',
    'default',
    'web identity profile',
    'role_arn',
    'arn:aws:iam::111122223333:role/ccoctl',
    'arn:aws:iam::111122223333:role/ccoctl',
    '/var/run/secrets/openshift/serviceaccount/token',
  ]);
});

test('shared files: one INI parse, shared with the Secret rules read', () => {
  const { index, workload } = load(mounted('        - { name: AWS_SHARED_CREDENTIALS_FILE, value: /var/run/secrets/cloud/credentials }') + CCOCTL);
  const secret = index.secret('team', 'cloud-credentials') as SecretLike;
  const entry = secret.entries.get('credentials')!;
  assert.is(entry.iniSections(), entry.iniSections());
  assert.is(secret.awsProfiles.get('credentials'), entry.iniSections());
  const f = sdkEnvironments(index, workload)[0].sharedFiles!;
  assert.ok(f.credentials.state === 'known');
  if (f.credentials.state === 'known') assert.is(f.credentials.sections[1].profile, entry.iniSections()[1]);
});

test('shared files: a key not recognised as AWS INI text gives sections without settings', () => {
  const other = CCOCTL.replace('  credentials: |-', '  creds.ini: |-').replace(/role_arn|web_identity_token_file|aws_access_key_id/g, 'region');
  const v = view(mounted('        - { name: AWS_SHARED_CREDENTIALS_FILE, value: /var/run/secrets/cloud/creds.ini }') + other);
  const f = v.sharedFiles!;
  assert.ok(f.credentials.state === 'known');
  if (f.credentials.state !== 'known') return;
  assert.equal(f.credentials.sections.map((s) => [s.header, s.profile]), [
    ['default', undefined],
    ['ops', undefined],
  ]);
});

test('profiles: AWS_PROFILE and AWS_DEFAULT_PROFILE, else default; not static gives none', () => {
  assert.equal(view(pod('        - { name: AWS_PROFILE, value: ops }\n        - { name: AWS_DEFAULT_PROFILE, value: dev }')).profiles?.map((p) => [p.name, p.variable]), [
    ['ops', 'AWS_PROFILE'],
    ['dev', 'AWS_DEFAULT_PROFILE'],
  ]);
  assert.equal(view(pod('        - { name: AWS_PROFILE, value: "" }')).profiles, [{ name: 'default' }]);
  assert.is(view(pod('        - { name: AWS_PROFILE, value: "{{ .Values.profile }}" }')).profiles, undefined);
  assert.is(view(pod('        - { name: A, value: b }', '      envFrom:\n        - configMapRef: { name: elsewhere }\n')).profiles, undefined);
});

test('static keys: the environment and the selected profile', () => {
  const v = view(
    mounted(
      '        - { name: AWS_SHARED_CREDENTIALS_FILE, value: /var/run/secrets/cloud/credentials }\n        - { name: AWS_PROFILE, value: ops }\n        - { name: AWS_ACCESS_KEY_ID, value: AKIAENV }',
    ) + CCOCTL,
  );
  const k = v.staticKeys;
  assert.equal([show(k.accessKeyId), show(k.secretAccessKey), show(k.secretKey)], ['set:value=AKIAENV', 'unset', 'unset']);
  assert.equal(
    k.profiles.map((p) => [p.profile.name, p.setting.value.value, v.text(p.setting.key), p.file.key, v.text(p.fileAt)]),
    [['ops', 'AKIAOPS', 'aws_access_key_id', 'credentials', '/var/run/secrets/cloud/credentials']],
  );
});

test('home directory: the default files under HOME, /root or the parent of a mounted .aws', () => {
  const items = '        items:\n          - { key: credentials, path: credentials }\n';
  const asRoot = mounted('        - { name: A, value: b }', 'cloud-credentials', items)
    .replace('/var/run/secrets/cloud }', '/root/.aws }')
    .replace('  containers:', '  securityContext: { runAsUser: 0 }\n  containers:');
  assert.is(view(asRoot + CCOCTL).sharedFiles?.credentialsPath, '/root/.aws/credentials');
  const byMount = mounted('        - { name: A, value: b }').replace('/var/run/secrets/cloud }', '/home/app/.aws }');
  const f = view(byMount + CCOCTL).sharedFiles!;
  assert.equal([f.configPath, f.config.state, f.credentialsPath, f.credentials.state], ['/home/app/.aws/config', 'absent', '/home/app/.aws/credentials', 'known']);
});

// ---------------------------------------------------------------- memoisation

test('one view per (index, workload, container, annotation prefix)', () => {
  const { index, workload } = load(pod('        - { name: A, value: b }') + SA(ROLE));
  const c = workload.podSpec.containers[0];
  const a = sdkEnvironment(index, workload, c);
  assert.is(sdkEnvironment(index, workload, c, { annotationPrefix: 'eks.amazonaws.com' }), a);
  assert.is(a.env('A'), a.env('A'));
  assert.is(a.sharedFiles, a.sharedFiles);
  const other = sdkEnvironment(index, workload, c, { annotationPrefix: 'example.com' });
  assert.is.not(other, a);
  // Both prefixes keep their views once a second one is asked for.
  assert.is(sdkEnvironment(index, workload, c), a);
  assert.is(sdkEnvironment(index, workload, c, { annotationPrefix: 'example.com' }), other);
  assert.is.not(sdkEnvironment(new Index(index.resources), workload, c), a);
});

test.run();
