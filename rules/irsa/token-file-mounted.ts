import { defineRule, type Related, type RuleContext } from '../../src/engine/types.js';
import type { Container, EnvVar, KeyToPath, PodSpec, SecretLike, Workload } from '../../src/model/k8s.js';
import type { Located } from '../../src/model/span.js';
import { fileIn, lastEnv, normPath } from '../../src/model/container.js';
import { isUnknown } from '../../src/model/span.js';

type M = 'secretNoToken' | 'secretTokenElsewhere' | 'envNoToken' | 'envTokenElsewhere' | 'roleArnWithoutTokenFile';
type Ctx = RuleContext<M>;

/** The webhook's defaults (W main.go `--token-mount-path`, handler.go volume name and token path). */
const WEBHOOK_MOUNT_PATH = '/var/run/secrets/eks.amazonaws.com/serviceaccount';
const WEBHOOK_VOLUME = 'aws-iam-token';
const WEBHOOK_TOKEN_PATH = 'token';
/** The ServiceAccount admission plugin's `kube-api-access-*` mount. */
const KUBE_API_ACCESS_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';

const TOKEN_FILE_ENV = 'AWS_WEB_IDENTITY_TOKEN_FILE';
const ROLE_ARN_ENV = 'AWS_ROLE_ARN';

interface TokenFile {
  readonly path: string;
  readonly at?: Located<string>;
}

/** Files of projected `serviceAccountToken` sources mounted in the container; undefined when a path is not static. */
function mountedTokenFiles(c: Container, spec: PodSpec): TokenFile[] | undefined {
  const out: TokenFile[] = [];
  for (const m of c.volumeMounts) {
    if (isUnknown(m.name)) return undefined;
    const v = spec.volumes.find((x) => x.name.value === m.name.value);
    if (!v || v.type !== 'projected') continue;
    for (const s of v.sources) {
      if (s.type !== 'serviceAccountToken' || !s.path) continue;
      if (isUnknown(s.path) || isUnknown(m.mountPath) || isUnknown(m.subPath)) return undefined;
      const file = fileIn(m, s.path.value);
      if (file !== undefined) out.push({ path: file, at: m.mountPath });
    }
  }
  return out;
}

function isWindows(spec: PodSpec): boolean {
  return ['kubernetes.io/os', 'beta.kubernetes.io/os'].some((k) => spec.nodeSelector.get(k)?.value.value === 'windows');
}

/** Is the container listed in `<prefix>/skip-containers`? undefined when the annotation is not static. */
function skipped(c: Container, spec: PodSpec, prefix: string): boolean | undefined {
  const a = spec.podAnnotations.get(`${prefix}/skip-containers`);
  if (!a) return false;
  if (isUnknown(a.value) || isUnknown(c.name)) return undefined;
  return a.value.value.split(',').includes(c.name.value);
}

type Tri = 'yes' | 'no' | 'maybe';

/** Does the webhook mutate this pod for web identity (its ServiceAccount has a non-empty role-arn annotation and no Pod Identity association)? */
function podMutated(w: Workload, ctx: Ctx): { state: Tri; annotation?: Located<string> } {
  const spec = w.podSpec;
  if (w.namespaceUnknown || spec.serviceAccountUnknown) return { state: 'maybe' };
  const sa = ctx.index.serviceAccount(w.namespace, spec.effectiveServiceAccount);
  if (!sa) return { state: 'maybe' };
  // An EKS Pod Identity association takes precedence: the webhook adds no web identity token (handler.go buildPodPatchConfig).
  if (ctx.index.associationsFor(w.namespace, spec.effectiveServiceAccount).length > 0) return { state: 'no' };
  const prefix = ctx.facts.annotationPrefix ?? 'eks.amazonaws.com';
  const a = sa.annotations.get(`${prefix}/role-arn`);
  if (!a) return { state: 'no' };
  // A tool that manages the ServiceAccount (eksctl) always writes a role ARN, even when its account or name is not in the file.
  if (isUnknown(a.value)) return { state: sa.managedBy ? 'yes' : 'maybe', annotation: a.key };
  return a.value.value.trim() !== '' ? { state: 'yes', annotation: a.key } : { state: 'no' };
}

/** Token files the webhook adds to this container (handler.go `addEnvToContainer`, `getPodSpecPatch`). */
function webhookTokenFiles(c: Container, w: Workload, ctx: Ctx): { state: Tri; files: TokenFile[] } {
  const spec = w.podSpec;
  const prefix = ctx.facts.annotationPrefix ?? 'eks.amazonaws.com';
  const skip = skipped(c, spec, prefix);
  if (skip === true) return { state: 'no', files: [] };
  // A container that already mounts a volume with that name keeps its own mount.
  if (c.volumeMounts.some((m) => m.name.value === WEBHOOK_VOLUME)) return { state: 'no', files: [] };
  const names = new Set(c.env.map((e) => e.name.value));
  const hasAll =
    (names.has(ROLE_ARN_ENV) || names.has(TOKEN_FILE_ENV)) &&
    (names.has('AWS_REGION') || names.has('AWS_DEFAULT_REGION')) &&
    names.has('AWS_STS_REGIONAL_ENDPOINTS');
  if (hasAll) return { state: 'no', files: [] };
  const mutated = podMutated(w, ctx).state;
  if (mutated === 'no') return { state: 'no', files: [] };
  // The webhook adds its projected volume unless the pod already has a volume with that name.
  const own = spec.volumes.find((v) => v.name.value === WEBHOOK_VOLUME);
  const paths = own
    ? own.type === 'projected'
      ? own.sources.filter((s) => s.type === 'serviceAccountToken' && s.path && !isUnknown(s.path)).map((s) => s.path!.value)
      : []
    : [WEBHOOK_TOKEN_PATH];
  const files = paths.map((p) => ({ path: normPath(`${WEBHOOK_MOUNT_PATH}/${p}`) }));
  return { state: skip === undefined || mutated === 'maybe' ? 'maybe' : 'yes', files };
}

/** Is the kube-api-access token (automounted) present in the container? */
function automounted(c: Container, w: Workload, ctx: Ctx): boolean {
  if (c.volumeMounts.some((m) => normPath(m.mountPath.value) === KUBE_API_ACCESS_PATH)) return false;
  const pod = w.podSpec.automountServiceAccountToken;
  if (pod) return pod.value;
  if (w.namespaceUnknown || w.podSpec.serviceAccountUnknown) return true;
  const sa = ctx.index.serviceAccount(w.namespace, w.podSpec.effectiveServiceAccount);
  return sa?.automountServiceAccountToken?.value ?? true;
}

type Verdict = { kind: 'ok' } | { kind: 'unknown' } | { kind: 'missing'; elsewhere: TokenFile[] };

/** Is `path` (normalised) a projected service account token file in the container? */
function tokenVerdict(path: string, c: Container, w: Workload, ctx: Ctx): Verdict {
  const own = mountedTokenFiles(c, w.podSpec);
  if (!own) return { kind: 'unknown' };
  if (own.some((f) => f.path === path)) return { kind: 'ok' };
  if (path === `${KUBE_API_ACCESS_PATH}/token` && automounted(c, w, ctx)) return { kind: 'ok' };
  const hook = webhookTokenFiles(c, w, ctx);
  if (hook.files.some((f) => f.path === path)) return hook.state === 'yes' ? { kind: 'ok' } : { kind: 'unknown' };
  // Another volume (emptyDir, Secret, ...) may hold a file at that path: not judged here.
  for (const m of c.volumeMounts) {
    if (isUnknown(m.mountPath)) return { kind: 'unknown' };
    const v = w.podSpec.volumes.find((x) => x.name.value === m.name.value);
    if (v?.type === 'projected' && v.sources.every((s) => s.type === 'serviceAccountToken')) continue;
    const dir = normPath(m.mountPath.value);
    if (path === dir || path.startsWith(dir === '/' ? '/' : `${dir}/`)) return { kind: 'unknown' };
  }
  return { kind: 'missing', elsewhere: hook.state === 'yes' ? [...own, ...hook.files] : own };
}

/** Keys of a Secret volume that a mount exposes (undefined: all of them). */
function visibleKeys(items: readonly KeyToPath[], subPath: Located<string> | undefined): string[] | undefined {
  const sub = subPath ? normPath(subPath.value).replace(/^\/+/, '') : '';
  if (items.length === 0) return sub === '' ? undefined : [sub.split('/')[0]];
  return items.filter((i) => sub === '' || normPath(i.path) === sub || normPath(i.path).startsWith(`${sub}/`)).map((i) => i.key);
}

interface SecretUse {
  readonly name: Located<string>;
  /** Where the container refers to the Secret (or to its volume). */
  readonly at: Located<string>;
  /** Keys the container sees; undefined: all. */
  readonly keys?: readonly string[];
}

/** Every way a container refers to a Secret: secret and projected volumes, secretKeyRef, envFrom secretRef. */
function secretUses(c: Container, spec: PodSpec): SecretUse[] {
  const out: SecretUse[] = [];
  for (const m of c.volumeMounts) {
    const v = spec.volumes.find((x) => x.name.value === m.name.value);
    if (!v || isUnknown(m.subPath)) continue;
    if (v.type === 'secret' && v.secretName) out.push({ name: v.secretName, at: m.name, keys: visibleKeys(v.items, m.subPath) });
    if (v.type === 'projected') {
      for (const s of v.sources) if (s.type === 'secret' && s.name) out.push({ name: s.name, at: m.name, keys: visibleKeys(s.items, m.subPath) });
    }
  }
  for (const e of c.env) {
    const ref = e.valueFrom;
    if (ref?.source === 'secretKeyRef' && ref.name && ref.key && !isUnknown(ref.key)) out.push({ name: ref.name, at: ref.name, keys: [ref.key.value] });
  }
  for (const e of c.envFrom) if (e.source === 'secretRef' && e.name) out.push({ name: e.name, at: e.name });
  return out.filter((u) => !isUnknown(u.name));
}

/** Profiles the container's SDK may read: `AWS_PROFILE`/`AWS_DEFAULT_PROFILE` when set, else all; undefined when not static. */
function profileFilter(c: Container): ((name: string) => boolean) | undefined {
  const set = [lastEnv(c, 'AWS_PROFILE'), lastEnv(c, 'AWS_DEFAULT_PROFILE')].filter((e): e is EnvVar => e !== undefined);
  if (set.length === 0) return () => true;
  if (set.some((e) => !e.value || e.valueFrom || isUnknown(e.value))) return undefined;
  const names = new Set(set.map((e) => e.value!.value));
  return (n) => names.has(n);
}

/** Does an envFrom source in the repository define this variable? */
function envFromDefines(c: Container, w: Workload, ctx: Ctx, name: string): Tri {
  let result: Tri = 'no';
  for (const e of c.envFrom) {
    if (!e.name || isUnknown(e.name) || w.namespaceUnknown) {
      result = 'maybe';
      continue;
    }
    const src: SecretLike | undefined =
      e.source === 'secretRef' ? ctx.index.secret(w.namespace, e.name.value) : ctx.index.configMap(w.namespace, e.name.value);
    if (!src) result = 'maybe';
    else if ([...src.entries.keys()].some((k) => `${e.prefix ?? ''}${k}` === name)) return 'yes';
  }
  return result;
}

function settingOf(settings: ReadonlyMap<string, { key: Located<string>; value: Located<string> }>, key: string) {
  for (const [k, s] of settings) if (k.toLowerCase() === key) return s;
  return undefined;
}

export default defineRule({
  meta: {
    id: 'irsa/token-file-mounted',
    type: 'problem',
    severity: 'error',
    tags: ['irsa', 'openshift', 'token', 'cross-reference'],
    docs: {
      description: 'Require the web identity token file named by a container\'s AWS credentials to be a projected token mounted in that container',
      whatItChecks:
        'For every container and init container: (1) when it uses a Secret of the repository (a `secret` volume, a `secret` source of a `projected` volume, `env[].valueFrom.secretKeyRef` or `envFrom[].secretRef`) whose AWS profiles (the `credentials` key written by ccoctl or the Cloud Credential Operator) set `web_identity_token_file`, that path must be the file of a projected `serviceAccountToken` source mounted in the same container (`mountPath` + `/` + `path`, or `mountPath` itself for a `subPath` mount of the token); (2) a literal `AWS_WEB_IDENTITY_TOKEN_FILE` env value must be such a file as well; (3) a container that sets `AWS_ROLE_ARN` but not `AWS_WEB_IDENTITY_TOKEN_FILE` while its ServiceAccount carries the `eks.amazonaws.com/role-arn` annotation is reported, unless it is listed in `skip-containers`. The token the pod identity webhook adds (`/var/run/secrets/eks.amazonaws.com/serviceaccount/token`, when the ServiceAccount is annotated and the container does not already set web identity, region and STS variables) and the automounted `/var/run/secrets/kubernetes.io/serviceaccount/token` count as mounted.',
      whyItMatters:
        'The SDKs read the token from that path on every credential refresh (botocore `AssumeRoleWithWebIdentityProvider`, aws-sdk-js-v3 `fromTokenFile`); when no file is there, every AWS call fails. ccoctl (`create-iam-roles.go`) and CCO (`actuator.go` `awsSTSCredsTemplate`) write the path into the Secret but never mount anything: the workload must mount a projected token there itself. The pod identity webhook does not help a container that sets `AWS_ROLE_ARN` or `AWS_WEB_IDENTITY_TOKEN_FILE` itself: it then injects neither variable and, when region and STS variables are also set, no volume mount (handler.go `addEnvToContainer`; testdata `rawPodSkip.pod.yaml`, `rawPodHasAll.pod.yaml`), so the container has a role but no token file.',
      howToFix:
        'Add a `projected` volume with a `serviceAccountToken` source (`audience: openshift` or `sts.amazonaws.com`, `path: token`) and mount it in the container so that `mountPath/path` equals the configured token file (ccoctl: `/var/run/secrets/openshift/serviceaccount/token`), or fix the path in the Secret or env. With the webhook, drop the hand-written `AWS_ROLE_ARN` and let the webhook inject both variables.',
      references: [
        'openshift/cloud-credential-operator pkg/cmd/provisioning/aws/create-iam-roles.go and pkg/aws/actuator/actuator.go (web_identity_token_file in the credentials Secret), pkg/cmd/provisioning/constants.go (OidcTokenPath)',
        'aws/amazon-eks-pod-identity-webhook pkg/handler/handler.go (addEnvToContainer, getPodSpecPatch, skip-containers) and pkg/handler/testdata/rawPodSkip.pod.yaml, rawPodHasAll.pod.yaml',
        'boto/botocore botocore/credentials.py (AssumeRoleWithWebIdentityProvider); aws/aws-sdk-js-v3 packages/credential-provider-web-identity/src/fromTokenFile.ts',
        'kubernetes/website content/en/docs/concepts/storage/projected-volumes.md (serviceAccountToken path, subPath mounts)',
      ],
    },
    appliesTo: ['k8s:PodSpecOwner'],
    messages: {
      secretNoToken:
        'web_identity_token_file "{{path}}" of Secret "{{secret}}" does not exist in container "{{container}}", which mounts no projected service account token',
      secretTokenElsewhere:
        'web_identity_token_file "{{path}}" of Secret "{{secret}}" does not exist in container "{{container}}", whose projected service account token is at "{{actual}}"',
      envNoToken: 'AWS_WEB_IDENTITY_TOKEN_FILE "{{path}}" does not exist in container "{{container}}", which mounts no projected service account token',
      envTokenElsewhere:
        'AWS_WEB_IDENTITY_TOKEN_FILE "{{path}}" does not exist in container "{{container}}", whose projected service account token is at "{{actual}}"',
      roleArnWithoutTokenFile:
        'container "{{container}}" sets AWS_ROLE_ARN without AWS_WEB_IDENTITY_TOKEN_FILE, so the webhook injects no token file variable and web identity is not used',
    },
  },
  check(w: Workload, ctx) {
    const spec = w.podSpec;
    if (isWindows(spec)) return;
    const prefix = ctx.facts.annotationPrefix ?? 'eks.amazonaws.com';
    for (const c of [...spec.initContainers, ...spec.containers]) {
      const container = c.name.value;
      const tokenEnv = lastEnv(c, TOKEN_FILE_ENV);

      // (2) a literal AWS_WEB_IDENTITY_TOKEN_FILE must name a mounted token.
      if (tokenEnv?.value && !tokenEnv.valueFrom && !isUnknown(tokenEnv.value) && tokenEnv.value.value.startsWith('/')) {
        const path = normPath(tokenEnv.value.value);
        const v = tokenVerdict(path, c, w, ctx);
        if (v.kind === 'missing') {
          const related: Related[] = v.elsewhere.filter((f) => f.at).map((f) => ({ at: f.at!, label: 'projected token mount' }));
          ctx.report(
            v.elsewhere.length
              ? { at: tokenEnv.value, messageId: 'envTokenElsewhere', data: { path: tokenEnv.value.value, container, actual: v.elsewhere[0].path }, related }
              : { at: tokenEnv.value, messageId: 'envNoToken', data: { path: tokenEnv.value.value, container } },
          );
        }
      }

      // (1) Secrets with web_identity_token_file (ccoctl / CCO). An env variable or envFrom key overrides the profile.
      if (!tokenEnv && envFromDefines(c, w, ctx, TOKEN_FILE_ENV) !== 'yes' && !w.namespaceUnknown) {
        const wanted = profileFilter(c);
        const seen = new Set<string>();
        for (const use of wanted ? secretUses(c, spec) : []) {
          const secret = ctx.index.secret(w.namespace, use.name.value);
          if (!secret) continue;
          for (const [key, profiles] of secret.awsProfiles) {
            if (use.keys && !use.keys.includes(key)) continue;
            for (const profile of profiles) {
              if (!wanted!(profile.name)) continue;
              const setting = settingOf(profile.settings, 'web_identity_token_file');
              if (!setting || isUnknown(setting.value) || !setting.value.value.startsWith('/')) continue;
              const path = normPath(setting.value.value);
              const dedupe = `${use.name.value}\0${path}`;
              if (seen.has(dedupe)) continue;
              seen.add(dedupe);
              const v = tokenVerdict(path, c, w, ctx);
              if (v.kind !== 'missing') continue;
              const related: Related[] = [{ at: setting.value, label: 'web_identity_token_file' }];
              for (const f of v.elsewhere) if (f.at) related.push({ at: f.at, label: 'projected token mount' });
              const data = { path: setting.value.value, secret: use.name.value, container };
              ctx.report(
                v.elsewhere.length
                  ? { at: use.at, messageId: 'secretTokenElsewhere', data: { ...data, actual: v.elsewhere[0].path }, related }
                  : { at: use.at, messageId: 'secretNoToken', data, related },
              );
            }
          }
        }
      }

      // (3) AWS_ROLE_ARN alone stops the webhook from injecting the token file variable.
      const roleEnv = lastEnv(c, ROLE_ARN_ENV);
      if (roleEnv && !tokenEnv && skipped(c, spec, prefix) === false) {
        const mutated = podMutated(w, ctx);
        if (mutated.state !== 'yes' || envFromDefines(c, w, ctx, TOKEN_FILE_ENV) !== 'no') continue;
        // A shared config file may supply web_identity_token_file for the same profile (botocore resolves each key independently).
        if (['AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_PROFILE', 'AWS_DEFAULT_PROFILE'].some((n) => lastEnv(c, n))) continue;
        if (c.volumeMounts.some((m) => isUnknown(m.mountPath) || /\/\.aws(\/|$)/.test(m.mountPath.value))) continue;
        const profileToken = secretUses(c, spec).some((u) => {
          const s = ctx.index.secret(w.namespace, u.name.value);
          return !!s && [...s.awsProfiles.values()].some((ps) => ps.some((p) => settingOf(p.settings, 'web_identity_token_file')));
        });
        if (profileToken) continue;
        ctx.report({
          at: roleEnv.name,
          messageId: 'roleArnWithoutTokenFile',
          data: { container },
          related: mutated.annotation ? [{ at: mutated.annotation, label: 'ServiceAccount role-arn annotation' }] : [],
        });
      }
    }
  },
});
