import { defineRule, type Related, type RuleContext } from '../../src/engine/types.js';
import { issuerHost } from '../../src/iam/arn.js';
import type { Role } from '../../src/model/iam.js';
import type { ServiceAccount, Workload } from '../../src/model/k8s.js';
import { looksTemplated, type Located, type Span } from '../../src/model/span.js';
import {
  DEFAULT_AUDIENCE,
  policyComplete,
  providerOfFederated,
  roleAdmits,
  serviceAccountSubject,
  statementAdmits,
  trustedProviders,
  webIdentityStatements,
} from '../../src/model/trust.js';

const messages = {
  audienceNotAccepted: 'token audience "{{audience}}" is not accepted by the "aud" condition of the trust policy that admits "{{subject}}"',
  audienceNotRegistered:
    'token audience "{{audience}}" is not a client ID of OIDC provider "{{provider}}", so STS rejects the token with "Incorrect token audience"',
} as const;
type MessageId = keyof typeof messages;
type Ctx = RuleContext<MessageId>;

/** What a token with this subject and audience meets at STS, given the candidate roles. */
type Judgement =
  | { readonly kind: 'usable' }
  | { readonly kind: 'notAccepted'; readonly related: Related[] }
  | { readonly kind: 'notRegistered'; readonly provider: string; readonly related: Related[] };

/** The webhook's volume name: a pod volume with this name stops the webhook from projecting its token. */
const WEBHOOK_VOLUME = 'aws-iam-token';

interface KnownProvider {
  readonly clientIds?: readonly string[];
  readonly related?: Related;
}

/** OIDC providers known for an issuer host: from the repository, then from configured facts. `clientIds` undefined = not static. */
function providersFor(host: string, ctx: Ctx): KnownProvider[] {
  const out: KnownProvider[] = [];
  for (const p of ctx.index.providersFor(host)) {
    const unknown = p.clientIds.some((c) => c.unknown || looksTemplated(c.value));
    out.push({
      clientIds: unknown ? undefined : p.clientIds.map((c) => c.value),
      related: { at: p.clientIdsSpan ?? p.span, label: `ClientIDList of OIDC provider "${host}"` },
    });
  }
  for (const p of ctx.facts.oidcProviders ?? []) {
    const h = p.issuer ? issuerHost(p.issuer) : p.arn ? providerOfFederated(p.arn) : undefined;
    if (h === host) out.push({ clientIds: p.clientIds });
  }
  return out;
}

function dedupe(related: Related[]): Related[] {
  const seen = new Set<string>();
  return related.filter((r) => {
    const s: Span = 'span' in r.at ? r.at.span : r.at;
    const k = `${s.file}:${s.line}:${s.column}:${s.endLine}:${s.endColumn}:${r.label}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * Judges a token (`sub`, `aud`) against the roles that may be meant. Undefined when nothing can be
 * said: no role admits the subject, a value is not static, or some role/provider may accept it.
 */
function judge(roles: readonly Role[], sub: string, aud: string, ctx: Ctx): Judgement | undefined {
  if (roles.some((r) => !policyComplete(r.trust))) return undefined;
  const candidates = roles.filter((r) => roleAdmits(r, { sub }, ['sub']) === true);
  if (candidates.length === 0) return undefined;

  // 1. The trust policy's `aud` condition.
  const verdicts = candidates.map((r) => roleAdmits(r, { sub, aud }, ['sub', 'aud']));
  if (verdicts.every((v) => v === false)) {
    const related: Related[] = [];
    for (const r of candidates) {
      for (const s of webIdentityStatements(r.trust)) {
        if (statementAdmits(s, { sub }, ['sub']) !== true) continue;
        // A wrong key prefix rather than a wrong audience: another rule's finding.
        if (statementAdmits(s, { sub, aud }, ['sub', 'aud'], { anyPrefix: true }) !== false) return undefined;
        for (const c of s.conditions) if (c.claim.toLowerCase() === 'aud') related.push({ at: c.valuesSpan, label: 'trust policy "aud" condition' });
      }
    }
    return { kind: 'notAccepted', related: dedupe(related) };
  }

  // 2. The provider's ClientIDList, for every statement that may let the token in.
  const related: Related[] = [];
  let provider: string | undefined;
  for (const r of candidates) {
    for (const s of webIdentityStatements(r.trust)) {
      if (statementAdmits(s, { sub }, ['sub']) !== true || statementAdmits(s, { sub, aud }, ['sub', 'aud']) === false) continue;
      // Principals that are no OIDC provider (SAML, a domain) are irrelevant to this token.
      for (const { host } of trustedProviders(s) ?? []) {
        if (host === undefined) return { kind: 'usable' };
        const known = providersFor(host, ctx);
        if (known.length === 0 || known.some((p) => !p.clientIds || p.clientIds.includes(aud))) return { kind: 'usable' };
        provider ??= host;
        for (const p of known) if (p.related) related.push(p.related);
      }
    }
  }
  if (provider === undefined) return { kind: 'usable' };
  return { kind: 'notRegistered', provider, related: dedupe(related) };
}

function report(ctx: Ctx, at: Located<string>, j: Judgement, aud: string, sub: string): void {
  if (j.kind === 'notAccepted') ctx.report({ at, messageId: 'audienceNotAccepted', data: { audience: aud, subject: sub }, related: j.related });
  else if (j.kind === 'notRegistered') ctx.report({ at, messageId: 'audienceNotRegistered', data: { audience: aud, provider: j.provider }, related: j.related });
}

/** The role-arn and audience annotations of a ServiceAccount, as the webhook reads them; undefined when it does not mutate for web identity or a value is not static. */
function webhookToken(sa: ServiceAccount, ctx: Ctx): { roleArn: Located<string>; audience: string; audienceAt?: Located<string> } | undefined {
  // An EKS Pod Identity association takes precedence: the webhook adds no web identity token (handler.go buildPodPatchConfig).
  if (sa.name && !sa.namespaceUnknown && ctx.index.associationsFor(sa.namespace, sa.name.value).length > 0) return undefined;
  const prefix = ctx.facts.annotationPrefix ?? 'eks.amazonaws.com';
  const role = sa.annotations.get(`${prefix}/role-arn`)?.value;
  if (!role || (!role.target && (role.unknown || role.value.trim() === ''))) return undefined;
  const audienceAt = sa.annotations.get(`${prefix}/audience`)?.value;
  if (audienceAt && (audienceAt.unknown || audienceAt.value === '')) return undefined;
  return { roleArn: role, audience: audienceAt?.value ?? ctx.facts.tokenAudience ?? DEFAULT_AUDIENCE, audienceAt };
}

/** Roles without a known ARN or name: trust policies that can only be linked through their `sub`. */
function isBarePolicy(r: Role): boolean {
  return (!r.arn || !!r.arn.unknown) && (!r.name || !!r.name.unknown);
}

function checkServiceAccount(sa: ServiceAccount, ctx: Ctx): void {
  if (!sa.name || sa.name.unknown || sa.namespaceUnknown) return;
  const token = webhookToken(sa, ctx);
  if (!token) return;
  const sub = serviceAccountSubject(sa.namespace, sa.name.value);
  let roles: readonly Role[] = ctx.index.rolesNamedBy(token.roleArn);
  if (roles.length === 0) roles = ctx.index.rolesListingSubject(sub).filter(isBarePolicy);
  const j = judge(roles, sub, token.audience, ctx);
  if (j) report(ctx, token.audienceAt ?? token.roleArn, j, token.audience, sub);
}

/** Token file paths the AWS SDKs are told to read: the webhook's and ccoctl's fixed paths. */
const WELL_KNOWN_TOKEN_FILES = ['/var/run/secrets/eks.amazonaws.com/serviceaccount/token', '/var/run/secrets/openshift/serviceaccount/token'];

function normalizePath(p: string): string {
  return p.replace(/\/+/g, '/').replace(/\/$/, '');
}

/** Files at which containers of the pod see the token of projected source `path` in volume `volume`. */
function tokenFiles(w: Workload, volume: string, path: string | undefined): string[] {
  const out: string[] = [];
  for (const c of [...w.podSpec.containers, ...w.podSpec.initContainers]) {
    for (const m of c.volumeMounts) {
      if (m.name.value !== volume || m.mountPath.unknown) continue;
      if (m.subPath) {
        if (!m.subPath.unknown && path !== undefined && normalizePath(m.subPath.value) === normalizePath(path)) out.push(normalizePath(m.mountPath.value));
      } else if (path !== undefined) out.push(normalizePath(`${m.mountPath.value}/${path}`));
    }
  }
  return out;
}

/** Token files the pod's AWS SDKs are configured with: `AWS_WEB_IDENTITY_TOKEN_FILE`, `web_identity_token_file` in the namespace's Secrets/ConfigMaps. */
function configuredTokenFiles(w: Workload, ctx: Ctx): Set<string> {
  const out = new Set(WELL_KNOWN_TOKEN_FILES);
  for (const c of [...w.podSpec.containers, ...w.podSpec.initContainers]) {
    for (const e of c.env) if (e.name.value === 'AWS_WEB_IDENTITY_TOKEN_FILE' && e.value && !e.value.unknown) out.add(normalizePath(e.value.value));
  }
  for (const r of [...ctx.index.secretsIn(w.namespace), ...ctx.index.configMapsIn(w.namespace)]) {
    for (const profiles of r.awsProfiles.values()) {
      for (const p of profiles) {
        const v = p.settings.get('web_identity_token_file')?.value;
        if (v && !v.unknown) out.add(normalizePath(v.value));
      }
    }
  }
  return out;
}

function checkWorkload(w: Workload, ctx: Ctx): void {
  const spec = w.podSpec;
  if (w.namespaceUnknown || spec.serviceAccountUnknown) return;
  const sub = serviceAccountSubject(w.namespace, spec.effectiveServiceAccount);
  const roles = ctx.index.rolesListingSubject(sub);
  if (roles.length === 0) return;

  const tokens: { audience: Located<string>; volume: string; path?: string }[] = [];
  for (const v of spec.volumes) {
    for (const s of v.sources) {
      if (s.type !== 'serviceAccountToken' || !s.audience) continue;
      if (s.audience.unknown || s.audience.value === '' || v.name.unknown || s.path?.unknown) return;
      tokens.push({ audience: s.audience, volume: v.name.value, path: s.path?.value });
    }
  }
  if (tokens.length === 0) return;

  // The token the webhook adds for an annotated ServiceAccount is another one the pod may use.
  const audiences = tokens.map((t) => t.audience.value);
  const sa = ctx.index.serviceAccount(w.namespace, spec.effectiveServiceAccount);
  if (sa && !spec.volumes.some((v) => v.name.value === WEBHOOK_VOLUME)) {
    const prefix = ctx.facts.annotationPrefix ?? 'eks.amazonaws.com';
    const role = sa.annotations.get(`${prefix}/role-arn`)?.value;
    if (role && (role.unknown || role.value.trim() !== '')) {
      const token = webhookToken(sa, ctx);
      if (!token) return;
      audiences.push(token.audience);
    }
  }

  // Judge only when none of the pod's tokens can be used, and report only the tokens meant for
  // AWS: a pod may mount tokens for other audiences (Vault, a service mesh).
  const judgements = new Map<string, Judgement | undefined>();
  for (const aud of new Set(audiences)) judgements.set(aud, judge(roles, sub, aud, ctx));
  if ([...judgements.values()].some((j) => !j || j.kind === 'usable')) return;
  const awsAudiences = new Set([DEFAULT_AUDIENCE, 'openshift', ...(ctx.facts.tokenAudience ? [ctx.facts.tokenAudience] : [])]);
  const configured = configuredTokenFiles(w, ctx);
  for (const t of tokens) {
    const forAws = awsAudiences.has(t.audience.value) || tokenFiles(w, t.volume, t.path).some((f) => configured.has(f));
    if (forAws) report(ctx, t.audience, judgements.get(t.audience.value)!, t.audience.value, sub);
  }
}

export default defineRule({
  meta: {
    id: 'irsa/audience-matches-trust',
    type: 'problem',
    severity: 'error',
    tags: ['irsa', 'openshift', 'trust-policy', 'audience', 'cross-reference'],
    docs: {
      description: "Require the audience of a pod's web-identity token to be accepted by the trust policy and the OIDC provider",
      whatItChecks:
        'The audience of the token a pod presents to STS. For a ServiceAccount with the webhook\'s `role-arn` annotation it is the `<annotation-prefix>/audience` annotation, else the webhook\'s `--token-audience` (`sts.amazonaws.com`); the role is the annotated one when it is in the repository, else the bare trust policies whose `sub` lists this ServiceAccount. For a workload that mounts its own projected `serviceAccountToken` with an explicit `audience` (OpenShift STS with ccoctl: `audience: openshift`), the roles are those whose `sub` lists the pod\'s ServiceAccount. The audience must satisfy the `<issuer>:aud` condition of a statement that admits the ServiceAccount (when there is one) and, when the OIDC provider is known (`aws iam get-open-id-connect-provider` output, ccoctl `04-iam-identity-provider.json`, or configured providers), be one of its `ClientIDList` entries. A pod is judged only when none of its tokens (the webhook\'s included) can be used, and only tokens meant for AWS are reported: audience `sts.amazonaws.com`, `openshift` or the configured webhook audience, or a token file named by `AWS_WEB_IDENTITY_TOKEN_FILE`, by `web_identity_token_file` in a Secret or ConfigMap of the namespace, or at the webhook\'s or ccoctl\'s fixed path. Templated values and roles or providers outside the repository are not judged.',
      whyItMatters:
        'STS accepts a web-identity token only when its `aud` is one of the provider\'s client IDs, else "InvalidIdentityToken: Incorrect token audience", and the role\'s `aud` condition must then match too, else "AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity". The webhook projects whatever audience the annotation says without validating it (pkg/cache/cache.go); ccoctl registers only `openshift` and `sts.amazonaws.com` (create_identity_provider.go) and operator pods request `audience: openshift`.',
      howToFix:
        'Make the three agree: set the ServiceAccount\'s `eks.amazonaws.com/audience` annotation (or the pod\'s projected token `audience`) to a value listed in the `aud` condition, or change the condition; add the audience to the provider\'s client IDs (`aws iam add-client-id-to-open-id-connect-provider`).',
      references: [
        'aws/amazon-eks-pod-identity-webhook pkg/cache/cache.go (audience annotation, --token-audience default sts.amazonaws.com) and main.go',
        'openshift/cloud-credential-operator pkg/cmd/provisioning/aws/create_identity_provider.go (ClientIDList openshift, sts.amazonaws.com) and create-iam-roles.go (no aud condition)',
        'IAM id_roles_providers_create_oidc.md (audiences / client IDs) and reference_policies_iam-condition-keys.md (`<issuer>:aud`)',
        'awslabs/amazon-eks-irsa-cfn#18, openshift-docs PR #29545 ("Incorrect token audience")',
      ],
    },
    appliesTo: ['k8s:ServiceAccount', 'k8s:PodSpecOwner'],
    messages,
  },
  check(subject: ServiceAccount | Workload, ctx) {
    if (subject.kind === 'k8s:ServiceAccount') checkServiceAccount(subject, ctx);
    else checkWorkload(subject, ctx);
  },
});
