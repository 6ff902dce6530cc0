import { defineRule } from '../../src/engine/types.js';
import { parseOidcProviderArn } from '../../src/iam/arn.js';
import type { Role } from '../../src/model/iam.js';
import { subSpan } from '../../src/model/span.js';
import { grantsAction, isWebIdentityPolicy, WEB_IDENTITY_ACTION } from '../../src/model/trust.js';
import { unknownText } from '../../src/model/span.js';

export default defineRule({
  meta: {
    id: 'iam/well-formed-federated-principal',
    type: 'problem',
    severity: 'error',
    tags: ['iam', 'trust-policy', 'arn'],
    docs: {
      description: 'Require OIDC federated principals to be well-formed oidc-provider ARNs',
      whatItChecks:
        'Every `Principal.Federated` value of a web-identity trust policy that names an OIDC provider (contains `oidc-provider`) must be `arn:<partition>:iam::<12-digit account>:oidc-provider/<issuer host[/path]>`: a known partition, service `iam`, no region, an account id of exactly 12 digits, and the issuer without `https://`, wildcards or a trailing `/`. An issuer URL (`https://…`) given instead of an ARN in a statement that allows `sts:AssumeRoleWithWebIdentity` is reported too. The finding points at the offending part. Templated values are not checked.',
      whyItMatters:
        'IAM Access Analyzer reports a malformed federated principal as an error (INVALID_FEDERATED_PRINCIPAL_SYNTAX_IN_ROLE_TRUST_POLICY, INVALID_ARN_ACCOUNT, UNSUPPORTED_WILDCARD_IN_PRINCIPAL). STS finds the IAM OIDC provider for the token\'s issuer in the role\'s own account, and the statement only applies when its principal is that provider\'s ARN: a provider name with `https://`, a wildcard or an account id that is not 12 digits never matches, and every pod gets "AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity". Account ids are 12 digits and keep their leading zeros.',
      howToFix:
        'Use the provider ARN as IAM shows it (`aws iam list-open-id-connect-providers`): `arn:aws:iam::<12-digit account>:oidc-provider/<issuer without https://>`, e.g. `arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE`. Quote account ids in YAML so leading zeros survive.',
      references: [
        'IAM reference_identifiers.md (arn:aws:iam::account:oidc-provider/provider-name; 12-digit account id)',
        'IAM id_roles_providers_create_oidc.md (provider URL without the scheme in ARNs and condition keys)',
        'IAM access-analyzer-reference-policy-checks.md (INVALID_FEDERATED_PRINCIPAL_SYNTAX_IN_ROLE_TRUST_POLICY, INVALID_ARN_ACCOUNT, UNSUPPORTED_WILDCARD_IN_PRINCIPAL)',
        'EKS associate-service-account-role.md (provider name = issuer URL with "https://" removed)',
        'botocore botocore/data/partitions.json (partitions)',
      ],
    },
    appliesTo: ['iam:Role'],
    messages: {
      invalidArn: 'invalid OIDC provider ARN in federated principal: {{problem}}',
      notAnArn: 'federated principal "{{value}}" is not an OIDC provider ARN: expected arn:<partition>:iam::<12-digit account>:oidc-provider/<issuer host and path>',
      issuerUrl: 'federated principal "{{value}}" is an issuer URL, not an OIDC provider ARN: expected arn:<partition>:iam::<12-digit account>:oidc-provider/{{host}}',
    },
  },
  check(role: Role, ctx) {
    const trust = role.trust;
    if (!trust || !isWebIdentityPolicy(trust)) return;
    for (const s of trust.statements) {
      for (const f of s.federated) {
        if (unknownText(f)) continue;
        const text = f.value;
        if (/oidc-provider/i.test(text)) {
          const problems = parseOidcProviderArn(text).problems;
          // Not an ARN at all (no `arn:` prefix, fewer than six fields): one finding on the whole value.
          if (problems.some((p) => p.code === 'prefix' || (p.code === 'resource-type' && p.message.startsWith('missing ARN fields')))) {
            ctx.report({ at: f, messageId: 'notAnArn', data: { value: text } });
            continue;
          }
          for (const p of problems) {
            ctx.report({ at: subSpan(f, p.start, p.end), messageId: 'invalidArn', data: { problem: p.message } });
          }
        } else if (/^\s*https?:\/\//i.test(text) && grantsAction(s, WEB_IDENTITY_ACTION)) {
          const host = text.trim().replace(/^https?:\/\//i, '').replace(/\/+$/, '');
          ctx.report({ at: f, messageId: 'issuerUrl', data: { value: text, host } });
        }
      }
    }
  },
});
