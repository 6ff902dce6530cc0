/**
 * The default credential chains of botocore and aws-sdk-js-v3 (`chain` of the SDK environment,
 * src/model/sdk-environment.ts): which sources a container has, which one each SDK uses, and what
 * each SDK passes over, read from loaded manifests.
 */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadSources } from '../../src/load/loader.js';
import { Index } from '../../src/model/index.js';
import type { Workload } from '../../src/model/k8s.js';
import { ROOT } from '../helpers.js';
import { CHAIN_ORDER, SDKS, sdkEnvironments, type CredentialChain, type CredentialSource } from '../../src/model/sdk-environment.js';

const SA = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: app
  namespace: team
  annotations:
    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/app
---
apiVersion: v1
kind: Secret
metadata:
  name: keys
  namespace: team
stringData:
  id: AKIAEXAMPLE
  secret: example-secret
  credentials: |
    [default]
    aws_access_key_id = AKIAEXAMPLE2
    aws_secret_access_key = example-secret

    [deploy]
    role_arn = arn:aws:iam::111122223333:role/deploy
    web_identity_token_file = /var/run/secrets/tokens/token
`;

const KEY = '        - { name: AWS_ACCESS_KEY_ID, valueFrom: { secretKeyRef: { name: keys, key: id } } }\n';
const SECRET = '        - { name: AWS_SECRET_ACCESS_KEY, valueFrom: { secretKeyRef: { name: keys, key: secret } } }\n';
const FILES = '        - { name: AWS_SHARED_CREDENTIALS_FILE, value: /aws/credentials }\n';
const MOUNT = '      volumeMounts:\n        - { name: aws, mountPath: /aws }\n';

function chainOf(env: string): CredentialChain {
  const pod = `---
apiVersion: v1
kind: Pod
metadata:
  name: app
  namespace: team
spec:
  serviceAccountName: app
  containers:
    - name: main
      image: example/app
      env:
${env}${MOUNT}  volumes:
    - { name: aws, secret: { secretName: keys } }
`;
  const index = new Index(loadSources([{ path: 'k8s.yaml', text: SA + pod }]).resources);
  return sdkEnvironments(index, index.ofKind<Workload>('k8s:PodSpecOwner')[0])[0].chain;
}

/** `kind: botocore-state/jsv3-state`, with what shadows or why. */
function show(chain: CredentialChain): string[] {
  const step = (s: CredentialSource, sdk: 'botocore' | 'jsv3') => {
    const p = chain.position(s)[sdk];
    return p.state === 'shadowed' ? `shadowed by ${p.by!.kind}` : p.reason ? `${p.state} (${p.reason})` : p.state;
  };
  return chain.sources.map((s) => `${s.kind}: ${step(s, 'botocore')} / ${step(s, 'jsv3')}`);
}

test('the orders: every kind once in each SDK, the container credential provider last', () => {
  for (const sdk of SDKS) {
    assert.is(new Set(CHAIN_ORDER[sdk]).size, 6, sdk);
    assert.is(CHAIN_ORDER[sdk].at(-1), 'containerCredentials', sdk);
    assert.is(CHAIN_ORDER[sdk][0], 'envKeys', sdk);
  }
  assert.equal(CHAIN_ORDER.botocore, ['envKeys', 'profileAssumeRole', 'envWebIdentity', 'profileWebIdentity', 'profileKeys', 'containerCredentials']);
  assert.equal(CHAIN_ORDER.jsv3, ['envKeys', 'profileAssumeRole', 'profileKeys', 'profileWebIdentity', 'envWebIdentity', 'containerCredentials']);
});

test('docs/access-map.md shows these orders', () => {
  const doc = fs.readFileSync(path.join(ROOT, 'docs/access-map.md'), 'utf8');
  const table = doc.slice(doc.indexOf('## Credential chain'), doc.indexOf('## Broad trust'));
  const rows = table.split('\n').filter((l) => /^\| \d+ \|/.test(l)).map((l) => l.split(' | ').slice(1));
  const kinds = (column: number) => rows.map((r) => /`(envKeys|profileAssumeRole|envWebIdentity|profileWebIdentity|profileKeys|containerCredentials)`/.exec(r[column])?.[1]).filter((k) => k !== undefined);
  assert.equal(kinds(0), [...CHAIN_ORDER.botocore]);
  assert.equal(kinds(1), [...CHAIN_ORDER.jsv3]);
});

test('web identity from the webhook and keys of the default profile: botocore takes the first, aws-sdk-js-v3 the keys', () => {
  const chain = chainOf(FILES);
  assert.equal(show(chain), ['envWebIdentity: used / shadowed by profileKeys', 'profileKeys: shadowed by envWebIdentity / used']);
  assert.is(chain.used('botocore')?.kind, 'envWebIdentity');
  assert.is(chain.used('jsv3')?.kind, 'profileKeys');
  const [web, keys] = chain.sources;
  assert.ok(chain.before(web, keys, 'botocore'));
  assert.ok(chain.before(keys, web, 'jsv3'));
  assert.not.ok(chain.before(web, keys), 'not in every SDK');
  assert.ok(chain.mayUse('jsv3', keys));
  assert.not.ok(chain.mayUse('botocore', keys));
});

test('a web identity profile and the environment\'s web identity: each SDK reads its own first', () => {
  const own = '        - { name: AWS_ROLE_ARN, value: arn:aws:iam::111122223333:role/own }\n        - { name: AWS_WEB_IDENTITY_TOKEN_FILE, value: /var/run/secrets/tokens/token }\n';
  const chain = chainOf(`${own}${FILES}        - { name: AWS_PROFILE, value: deploy }\n`);
  assert.equal(show(chain), ['envWebIdentity: used / shadowed by profileWebIdentity', 'profileWebIdentity: shadowed by envWebIdentity / used']);
  assert.is(chain.of('profileWebIdentity')[0].describe, 'web identity (profile deploy)');
});

test('environment keys: botocore takes any AWS_ACCESS_KEY_ID; aws-sdk-js-v3 needs the secret key and no AWS_PROFILE', () => {
  assert.equal(show(chainOf(KEY + SECRET)), ['envKeys: used / used', 'envWebIdentity: shadowed by envKeys / shadowed by envKeys']);
  // Without the secret key botocore raises PartialCredentialsError (the chain stops); fromEnv fails and the next provider runs.
  assert.equal(show(chainOf(KEY)), ['envKeys: used / skipped (AWS_SECRET_ACCESS_KEY is not set)', 'envWebIdentity: shadowed by envKeys / used']);
  assert.equal(show(chainOf(`${KEY}${SECRET}        - { name: AWS_PROFILE, value: default }\n${FILES}`)), [
    'envKeys: used / skipped (AWS_PROFILE is set)',
    'envWebIdentity: shadowed by envKeys / shadowed by profileKeys',
    'profileKeys: shadowed by envKeys / used',
  ]);
});

test('what may or may not be there makes what comes after it unknown', () => {
  const profile = '        - { name: AWS_PROFILE, valueFrom: { configMapKeyRef: { name: elsewhere, key: profile, optional: true } } }\n';
  assert.equal(show(chainOf(KEY + SECRET + profile)), [
    'envKeys: used / unknown (AWS_PROFILE is not static)',
    'envWebIdentity: shadowed by envKeys / unknown (AWS_PROFILE is not static: static keys (AWS_ACCESS_KEY_ID) may come first)',
  ]);
  const fromElsewhere = `apiVersion: v1
kind: Pod
metadata:
  name: app
  namespace: team
spec:
  serviceAccountName: app
  containers:
    - name: main
      image: example/app
      envFrom:
        - secretRef: { name: elsewhere }
`;
  const index = new Index(loadSources([{ path: 'k8s.yaml', text: `${SA}---\n${fromElsewhere}` }]).resources);
  const chain = sdkEnvironments(index, index.ofKind<Workload>('k8s:PodSpecOwner')[0])[0].chain;
  assert.equal(show(chain), [
    'envKeys: unknown (AWS_ACCESS_KEY_ID is not static) / unknown (AWS_PROFILE is not static)',
    'envWebIdentity: unknown (AWS_ACCESS_KEY_ID (not static) comes first) / unknown (AWS_PROFILE is not static: AWS_ACCESS_KEY_ID (not static) may come first)',
  ]);
  assert.is(chain.used('botocore'), undefined);
  assert.ok(chain.mayUse('botocore', chain.sources[1]));
});

test.run();
