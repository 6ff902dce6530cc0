import { defineRule, type RuleContext } from '../../src/engine/types.js';
import { parseRoleArn } from '../../src/iam/arn.js';
import type { Resource } from '../../src/model/index.js';
import type { Workload } from '../../src/model/k8s.js';
import { subSpan, type Located } from '../../src/model/span.js';
import { unknownText } from '../../src/model/span.js';

const messages = {
  invalidArn: 'invalid role ARN in {{where}}: {{problem}}',
  notAnArn: 'value "{{value}}" of {{where}} is not a role ARN: expected arn:<partition>:iam::<12-digit account>:role/<name>',
  emptyAnnotation: 'annotation "{{key}}" is empty, so the pod identity webhook treats it as absent and injects no credentials',
} as const;
type MessageId = keyof typeof messages;
type Ctx = RuleContext<MessageId>;

/** Reports every defect of a role ARN at the part it concerns. Empty and templated values are skipped. */
function checkArn(ctx: Ctx, l: Located<string>, where: string): void {
  if (unknownText(l) || l.value.trim() === '') return;
  const problems = parseRoleArn(l.value).problems;
  // Not an ARN at all (no `arn:` prefix, fewer than six fields): one finding on the whole value.
  if (problems.some((p) => p.code === 'prefix' || (p.code === 'resource-type' && p.message.startsWith('missing ARN fields')))) {
    ctx.report({ at: l, messageId: 'notAnArn', data: { where, value: l.value } });
    return;
  }
  for (const p of problems) {
    ctx.report({ at: subSpan(l, p.start, p.end), messageId: 'invalidArn', data: { where, problem: p.message } });
  }
}

function checkWorkload(w: Workload, ctx: Ctx): void {
  for (const c of [...w.podSpec.initContainers, ...w.podSpec.containers]) {
    for (const e of c.env) {
      if (e.name.value !== 'AWS_ROLE_ARN' || !e.value || e.valueFrom) continue;
      checkArn(ctx, e.value, `AWS_ROLE_ARN of container "${c.name.value}"`);
    }
  }
}

export default defineRule({
  meta: {
    id: 'iam/well-formed-role-arn',
    type: 'problem',
    severity: 'error',
    tags: ['iam', 'arn'],
    docs: {
      description: 'Require every IAM role ARN to be well formed',
      whatItChecks:
        'Role ARNs wherever the repository states them: the ServiceAccount annotation `eks.amazonaws.com/role-arn` (or `<annotation-prefix>/role-arn`), `role_arn` in AWS config/credentials profiles held by Secrets and ConfigMaps (the ccoctl `credentials` key), `stsIAMRoleARN` of a CredentialsRequest, literal `AWS_ROLE_ARN` env values of containers, the `Arn` of roles described by `aws iam get-role`, and the role and target role of EKS Pod Identity associations. Each must be `arn:<partition>:iam::<12-digit account>:role/<path/><name>`: a known partition, service `iam`, no region, exactly 12 digits, a role name of 1–64 characters from `[A-Za-z0-9_+=,.@-]`, and a path `/…/` of printable ASCII. The finding points at the offending part. An empty role-arn annotation is reported on its own. Templated values, empty values elsewhere and annotation values without `arn:` (which the webhook composes into an ARN when run with `--compose-role-arn`) are not checked.',
      whyItMatters:
        'STS rejects a malformed role ARN before it looks at any trust policy, so the workload never gets credentials. The pod identity webhook validates the annotation against `^arn:aws[a-z0-9-]*:iam::\\d{12}:role\\/[\\w-\\/.@+=,]+$` but only logs "arn is invalid" and injects the value anyway (pkg/cache/cache.go), and CCO copies `stsIAMRoleARN` and ccoctl writes `role_arn` without any check, so the mistake only surfaces as a runtime error in the pod. An empty annotation is treated as absent (pkg/handler/handler.go: `if response.RoleARN != ""`): the pod is not mutated at all. Account ids have exactly 12 digits, leading zeros included.',
      howToFix:
        'Copy the ARN from `aws iam get-role --role-name <name> --query Role.Arn`. Quote account ids in YAML so leading zeros survive; remove stray whitespace. For an empty annotation, set the role ARN or remove the annotation.',
      references: [
        'aws/amazon-eks-pod-identity-webhook pkg/cache/cache.go (role ARN regex; invalid values are logged and still injected) and pkg/handler/handler.go (empty role-arn treated as absent)',
        'IAM reference_identifiers.md (role ARN format, 12-digit account id)',
        'IAM reference_iam-quotas.md and botocore IAM model (roleNameType [\\w+=,.@-]+, 1–64 characters; pathType)',
        'openshift/cloud-credential-operator pkg/aws/actuator/actuator.go (awsSTSCredsTemplate: role_arn copied from stsIAMRoleARN) and pkg/cmd/provisioning/aws/create-iam-roles.go (Secret with role_arn)',
        'botocore botocore/data/partitions.json (partitions)',
      ],
    },
    appliesTo: ['k8s:ServiceAccount', 'k8s:Secret', 'k8s:ConfigMap', 'k8s:CredentialsRequest', 'iam:Role', 'k8s:PodSpecOwner', 'eks:PodIdentityAssociation'],
    messages,
  },
  check(r: Resource, ctx) {
    switch (r.kind) {
      case 'k8s:ServiceAccount': {
        const key = `${ctx.facts.annotationPrefix ?? 'eks.amazonaws.com'}/role-arn`;
        const ann = r.annotations.get(key);
        if (!ann || unknownText(ann.value)) return;
        if (ann.value.value.trim() === '') {
          // `key:` with no value at all has an empty span: point at the key instead.
          const v = ann.value.span;
          const at = v.line === v.endLine && v.column === v.endColumn ? ann.key : ann.value;
          ctx.report({ at, messageId: 'emptyAnnotation', data: { key } });
          return;
        }
        // Without `arn:` the webhook composes arn:<partition>:iam::<account>:role/<value> when run with --compose-role-arn.
        if (!ann.value.value.includes('arn:')) return;
        checkArn(ctx, ann.value, `annotation "${key}"`);
        return;
      }
      case 'k8s:Secret':
      case 'k8s:ConfigMap': {
        const kind = r.kind === 'k8s:Secret' ? 'Secret' : 'ConfigMap';
        for (const [entryKey, profiles] of r.awsProfiles) {
          for (const profile of profiles) {
            for (const [name, setting] of profile.settings) {
              if (name.toLowerCase() !== 'role_arn') continue;
              checkArn(ctx, setting.value, `${name} of profile "${profile.name}" in ${kind} key "${entryKey}"`);
            }
          }
        }
        return;
      }
      case 'k8s:CredentialsRequest':
        if (r.stsIAMRoleARN) checkArn(ctx, r.stsIAMRoleARN, 'stsIAMRoleARN');
        return;
      case 'iam:Role':
        if (r.arn) checkArn(ctx, r.arn, r.name && !r.name.unknown ? `the Arn of role "${r.name.value}"` : 'the role Arn');
        return;
      case 'eks:PodIdentityAssociation':
        if (r.roleArn) checkArn(ctx, r.roleArn, 'the role of the Pod Identity association');
        if (r.targetRoleArn) checkArn(ctx, r.targetRoleArn, 'the target role of the Pod Identity association');
        return;
      case 'iam:OIDCProvider':
      case 'k8s:Authentication':
        return;
      default:
        checkWorkload(r, ctx);
    }
  },
});
