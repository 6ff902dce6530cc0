import { defineRule, type RuleContext } from '../../src/engine/types.js';
import type { Resource } from '../../src/model/index.js';
import type { Annotation } from '../../src/model/k8s.js';
import { DEFAULT_AUDIENCE } from '../../src/model/trust.js';
import { ANNOTATION_NAMES, isUnknown, prefixOf } from './_webhook.js';

type M = 'notString' | 'expirationNotInteger' | 'expirationTooLong' | 'stsNotBool' | 'audienceEmpty';
type Ctx = RuleContext<M>;

/** Go `strconv.ParseBool`. */
const GO_BOOLS = new Set(['1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False']);
/** Kubernetes rejects projected tokens with `expirationSeconds` above 2^32 (validation.go). */
const MAX_EXPIRATION = 2 ** 32;

/** Go `strconv.ParseInt(s, 10, 64)`: optional sign, decimal digits, within int64. */
function parseGoInt(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const v = BigInt(s);
  return v > 9223372036854775807n || v < -9223372036854775808n ? undefined : v;
}

export default defineRule({
  meta: {
    id: 'webhook/annotation-values',
    type: 'problem',
    severity: 'warning',
    tags: ['irsa', 'webhook', 'annotation'],
    docs: {
      description: 'Give pod identity webhook annotations values the webhook can parse',
      whatItChecks:
        'Values of the webhook annotations (prefix `eks.amazonaws.com` unless `annotationPrefix` is configured). On ServiceAccounts: `token-expiration` must parse with Go `strconv.ParseInt` base 10 (digits, optional sign, no unit) and be at most 2^32; `sts-regional-endpoints` must be a value Go `strconv.ParseBool` accepts (`true`, `false`, `1`, `0`, `t`, `f`, `TRUE`, `FALSE`, `True`, `False`, `T`, `F`); `audience` must not be empty when the ServiceAccount has a role. On Pods and pod templates: `token-expiration` likewise. In YAML and JSON files, an unquoted number or boolean as the value of any webhook annotation is reported. Templated values are not checked.',
      whyItMatters:
        'The webhook ignores values it cannot parse without any error (pkg/cache/cache.go `addSA` and handler.go `parsePodAnnotations` log at verbosity 4 and keep the default): `"24h"` or `"3600s"` leaves the token at the 86400-second default, `"regional"` for sts-regional-endpoints leaves the flag default (on OpenShift: not set). A value above 2^32 seconds is copied into the projected token and the API server rejects the pod. An empty `audience` is also copied: the projected token then carries the API server\'s own audience, which the IAM OIDC provider does not list, so STS answers "Incorrect token audience". Annotation values are strings: an unquoted `true` or `86400` makes kubectl and the API server reject the whole object ("cannot unmarshal bool into Go struct field ObjectMeta.metadata.annotations of type string").',
      howToFix:
        'Write `token-expiration` as a quoted number of seconds (`"86400"`), `sts-regional-endpoints` as `"true"` or `"false"`, and set `audience` to the provider\'s client id (`sts.amazonaws.com`) or remove the annotation.',
      references: [
        'aws/amazon-eks-pod-identity-webhook pkg/cache/cache.go (addSA: ParseBool, ParseInt, audience copied as is), pkg/handler/handler.go (parsePodAnnotations), pkg/validation.go (ValidateMinTokenExpiration)',
        'kubernetes/kubernetes pkg/apis/core/validation/validation.go (projected serviceAccountToken expirationSeconds at most 2^32); k8s.io/api core/v1 ServiceAccountTokenProjection (audience defaults to the API server identifier)',
        'Go strconv.ParseBool, strconv.ParseInt',
      ],
    },
    appliesTo: ['k8s:ServiceAccount', 'k8s:PodSpecOwner'],
    messages: {
      notString: 'annotation "{{key}}" has the unquoted {{type}} value {{value}}, but annotation values must be strings: expected "{{value}}"',
      expirationNotInteger:
        'annotation "{{key}}" value "{{value}}" is not a whole number of seconds, so the pod identity webhook ignores it: expected digits only, such as "86400"',
      expirationTooLong: 'annotation "{{key}}" value "{{value}}" exceeds 4294967296 seconds, so the API server rejects the projected token',
      stsNotBool:
        'annotation "{{key}}" value "{{value}}" is not a Go boolean, so the pod identity webhook ignores it: expected "true" or "false"',
      audienceEmpty: 'annotation "{{key}}" is empty, so the projected token gets the API server\'s audience instead of "{{audience}}"',
    },
  },
  check(r: Resource, ctx) {
    const prefix = prefixOf(ctx);
    if (r.kind === 'k8s:ServiceAccount') {
      checkTypes(r.annotations, prefix, ctx);
      const exp = r.annotations.get(`${prefix}/token-expiration`);
      if (exp && !notAString(exp)) checkExpiration(exp, ctx);
      const sts = r.annotations.get(`${prefix}/sts-regional-endpoints`);
      if (sts && !isUnknown(sts.value) && !GO_BOOLS.has(sts.value.value) && !notAString(sts)) {
        ctx.report({ at: sts.value, messageId: 'stsNotBool', data: { key: sts.key.value, value: sts.value.value } });
      }
      const aud = r.annotations.get(`${prefix}/audience`);
      const role = r.annotations.get(`${prefix}/role-arn`);
      if (aud && !isUnknown(aud.value) && aud.value.value === '' && !notAString(aud) && role && (isUnknown(role.value) || role.value.value !== '')) {
        ctx.report({ at: aud.key, messageId: 'audienceEmpty', data: { key: aud.key.value, audience: ctx.facts.tokenAudience ?? DEFAULT_AUDIENCE } });
      }
      return;
    }
    if (!('podSpec' in r)) return;
    // Pod metadata (the pod itself, or the pod template). The controller's own metadata is webhook/role-arn-on-pod's.
    checkTypes(r.podSpec.podAnnotations, prefix, ctx);
    const exp = r.podSpec.podAnnotations.get(`${prefix}/token-expiration`);
    if (exp && !notAString(exp)) checkExpiration(exp, ctx);
  },
});


/** Is the value something other than a string (a list, a map, or an unquoted number or boolean)? */
function notAString(a: Annotation): boolean {
  return a.written === 'collection' || a.written === 'number' || a.written === 'boolean';
}

/** The annotation's type when it is an unquoted number or boolean in a YAML or JSON file. */
function nonString(a: Annotation): { type: string } | undefined {
  if (!/\.(ya?ml|json)$/i.test(a.key.span.file) || a.value.unknown || a.tagged) return undefined;
  if (a.written === 'boolean') return { type: 'boolean' };
  if (a.written === 'number' && Number.isFinite(Number(a.value.value))) return { type: 'number' };
  return undefined;
}

function checkTypes(map: ReadonlyMap<string, Annotation>, prefix: string, ctx: Ctx): void {
  for (const name of ANNOTATION_NAMES) {
    const a = map.get(`${prefix}/${name}`);
    if (!a) continue;
    const t = nonString(a);
    if (t) ctx.report({ at: a.value, messageId: 'notString', data: { key: a.key.value, type: t.type, value: a.value.value } });
  }
}

function checkExpiration(a: Annotation, ctx: Ctx): void {
  if (isUnknown(a.value)) return;
  const v = parseGoInt(a.value.value);
  if (v === undefined) ctx.report({ at: a.value, messageId: 'expirationNotInteger', data: { key: a.key.value, value: a.value.value } });
  else if (v > BigInt(MAX_EXPIRATION)) ctx.report({ at: a.value, messageId: 'expirationTooLong', data: { key: a.key.value, value: a.value.value } });
}
