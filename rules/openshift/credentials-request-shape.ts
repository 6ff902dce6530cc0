import { defineRule } from '../../src/engine/types.js';
import type { CredentialsRequest } from '../../src/model/k8s.js';
import { entry, get, isMap, isScalar, isSeq, type PNode } from '../../src/model/pnode.js';
import type { Span } from '../../src/model/span.js';
import { looksTemplated } from '../../src/model/span.js';
import { nameOf } from './_shared.js';


function unknownNode(n: PNode | undefined): boolean {
  if (!n) return false;
  if (n.unknown) return true;
  return isScalar(n) && typeof n.value === 'string' && looksTemplated(n.value);
}

export default defineRule({
  meta: {
    id: 'openshift/credentials-request-shape',
    type: 'problem',
    severity: 'error',
    tags: ['openshift', 'ccoctl'],
    docs: {
      description: 'Require AWSProviderSpec statement entries to have the shape ccoctl and CCO decode',
      whatItChecks:
        'In every AWS CredentialsRequest (`providerSpec.kind: AWSProviderSpec`): `statementEntries` must be a list; each entry needs `effect` equal to `Allow` or `Deny`, `action` as a non-empty list of strings (not a single string), `resource` as one string (not a list), and `policyCondition`, when present, as a map of operator to map of key to value. Templated values are skipped.',
      whyItMatters:
        'The provider spec is a raw extension with no server-side validation; it is decoded into the Go type `AWSProviderSpec` (types_aws.go) where `action` is `[]string`, `resource` is a single `string` and `policyCondition` is `map[string]map[string]interface{}`. A value of another type makes decoding fail, so `ccoctl aws create-iam-roles` stops with "Failed to decode the provider spec" (aborting the whole run) and the in-cluster operator reports a reconcile error. An `effect` other than Allow/Deny, a missing `action` or an empty `resource` give a permissions policy that IAM rejects in `PutRolePolicy`.',
      howToFix:
        'Write `action` as a YAML list (`action: ["s3:GetObject"]`), `resource` as one string (use one statement entry per resource, or `"*"`), `effect` as `Allow` or `Deny`, and `policyCondition` as `{<operator>: {<key>: <value>}}`.',
      references: [
        'openshift/cloud-credential-operator pkg/apis/cloudcredential/v1/types_aws.go (AWSProviderSpec, StatementEntry, IAMPolicyCondition)',
        'openshift/cloud-credential-operator pkg/cmd/provisioning/aws/create-iam-roles.go (createRole: "Failed to decode the provider spec"; createRolePolicy)',
        'AWS IAM User Guide: IAM JSON policy elements Effect, Action, Resource, Condition',
      ],
    },
    appliesTo: ['k8s:CredentialsRequest'],
    messages: {
      entriesNotList: 'statementEntries of CredentialsRequest "{{cr}}" must be a list of statement entries',
      resourceList: 'resource must be a single string, not a list: ccoctl cannot decode it; use one statement entry per resource',
      resourceNotString: 'resource must be a single string such as "*" or an ARN',
      resourceMissing: 'statement entry has no resource; expected a single string such as "*" or an ARN',
      actionScalar: 'action "{{value}}" must be a list, as in [{{quoted}}]: ccoctl cannot decode a single string',
      actionNotList: 'action must be a list of action names',
      actionMissing: 'statement entry has no action; expected a non-empty list of action names',
      effectInvalid: 'effect "{{value}}" must be "Allow" or "Deny"',
      effectMissing: 'statement entry has no effect; expected "Allow" or "Deny"',
      conditionShape: 'policyCondition must map condition operators to maps of condition keys, as in {"Bool": {"aws:SecureTransport": true}}',
    },
  },
  check(cr: CredentialsRequest, ctx) {
    if (!cr.isAws) return;
    const ps = cr.providerSpec;
    const se = entry(ps, 'statementEntries');
    if (!se || unknownNode(se.value)) return;
    const cr_ = nameOf(cr);
    if (!isSeq(se.value)) {
      if (isScalar(se.value) && se.value.value === null) return;
      ctx.report({ at: se.value.span, messageId: 'entriesNotList', data: { cr: cr_ } });
      return;
    }
    for (const item of se.value.items) {
      if (!isMap(item) || item.unknown || item.entries.length === 0) continue;
      const firstKey: Span = item.entries[0].key.span;

      const effect = get(item, 'effect');
      if (effect === undefined || (isScalar(effect) && effect.value === null)) ctx.report({ at: entry(item, 'effect')?.key.span ?? firstKey, messageId: 'effectMissing' });
      else if (!unknownNode(effect)) {
        const v = isScalar(effect) ? String(effect.value) : undefined;
        if (v === undefined || !['allow', 'deny'].includes(v.toLowerCase())) {
          ctx.report({ at: effect.span, messageId: 'effectInvalid', data: { value: v ?? (isSeq(effect) ? 'a list' : 'a map') } });
        }
      }

      const action = get(item, 'action');
      if (action === undefined || (isScalar(action) && action.value === null) || (isSeq(action) && action.items.length === 0)) {
        ctx.report({ at: entry(item, 'action')?.key.span ?? firstKey, messageId: 'actionMissing' });
      } else if (!unknownNode(action)) {
        if (isScalar(action)) ctx.report({ at: action.span, messageId: 'actionScalar', data: { value: String(action.value), quoted: JSON.stringify(String(action.value)) } });
        else if (isMap(action) || action.items.some((a) => !isScalar(a))) ctx.report({ at: action.span, messageId: 'actionNotList' });
      }

      const resource = get(item, 'resource');
      if (resource === undefined || (isScalar(resource) && (resource.value === null || resource.value === ''))) {
        ctx.report({ at: entry(item, 'resource')?.key.span ?? firstKey, messageId: 'resourceMissing' });
      } else if (!unknownNode(resource)) {
        if (isSeq(resource)) ctx.report({ at: resource.span, messageId: 'resourceList' });
        else if (isMap(resource)) ctx.report({ at: resource.span, messageId: 'resourceNotString' });
      }

      const cond = get(item, 'policyCondition');
      if (cond !== undefined && !unknownNode(cond) && !(isScalar(cond) && cond.value === null)) {
        const bad = !isMap(cond) ? cond : cond.entries.find((e) => !isMap(e.value) && !unknownNode(e.value) && !(isScalar(e.value) && e.value.value === null))?.value;
        if (bad) ctx.report({ at: bad.span, messageId: 'conditionShape' });
      }
    }
  },
});
