import { defineRule } from '../../src/engine/types.js';
import type { AuthenticationConfig, SecretLike } from '../../src/model/k8s.js';
import { subSpan } from '../../src/model/span.js';
import { isUnknown, nameOf, settingOf } from './_shared.js';
import { posSpan } from '../../src/model/posmap.js';

/** The sentinel ccoctl appends to Secret manifests in --dry-run (create-iam-roles.go). */
const SENTINEL = 'POPULATE ROLE ARN AND DELETE THIS LINE';
/** ccoctl dry-run placeholders: `<enter_issuer_url_here>`, `<enter_cloudfront_distribution_url_here>`, `<enter_tls_fingerprint_for_issuer_url_here>`. */
const PLACEHOLDER = /<enter_[a-z0-9_]+_here>/g;

export default defineRule({
  meta: {
    id: 'openshift/dry-run-leftover',
    type: 'problem',
    severity: 'error',
    tags: ['openshift', 'ccoctl'],
    docs: {
      description: 'Forbid unfinished `ccoctl --dry-run` output in Secrets and the cluster Authentication manifest',
      whatItChecks:
        'Secrets whose AWS profiles (the `credentials` key ccoctl writes) have an empty `role_arn`, Secrets whose data contains the line `POPULATE ROLE ARN AND DELETE THIS LINE`, and Secrets or `config.openshift.io/v1` Authentication manifests (`spec.serviceAccountIssuer`) that still contain a ccoctl dry-run placeholder such as `<enter_issuer_url_here>`, `<enter_cloudfront_distribution_url_here>` or `<enter_tls_fingerprint_for_issuer_url_here>`. Only the placeholder or the setting name is quoted, never a Secret value. (When the sentinel line is still where ccoctl put it, after `type: Opaque`, the file is not valid YAML and `parse/syntax` reports it.)',
      whyItMatters:
        'With `--dry-run`, `ccoctl aws create-iam-roles` creates no role and writes each Secret with an empty `role_arn` plus the sentinel line, and `create-identity-provider` writes placeholders for values only AWS knows (issuer URL, CloudFront domain, TLS thumbprint). Applied as is, the SDK in the pod has a web identity token file but no role to assume, so every AWS call fails; an issuer placeholder makes every token unverifiable.',
      howToFix:
        'Create the roles (or run ccoctl without `--dry-run`) and fill in the role ARN `arn:aws:iam::<account>:role/<name>-<secretRef.namespace>-<secretRef.name>`, delete the sentinel line, and replace every `<enter_..._here>` placeholder with the real value.',
      references: [
        'openshift/cloud-credential-operator pkg/cmd/provisioning/aws/create-iam-roles.go (dry-run Secret: empty role ARN and "POPULATE ROLE ARN AND DELETE THIS LINE")',
        'openshift/cloud-credential-operator pkg/cmd/provisioning/aws/create_identity_provider.go (dry-run placeholders <enter_issuer_url_here>, <enter_cloudfront_distribution_url_here>, <enter_tls_fingerprint_for_issuer_url_here>)',
      ],
    },
    appliesTo: ['k8s:Secret', 'k8s:Authentication'],
    messages: {
      sentinel: 'Secret "{{secret}}" still contains the ccoctl --dry-run line "POPULATE ROLE ARN AND DELETE THIS LINE"; expected the role ARN to be filled in and the line removed',
      emptyRoleArn: 'role_arn of profile "{{profile}}" in Secret "{{secret}}" is empty, as ccoctl --dry-run leaves it; expected the ARN of the role ccoctl creates',
      placeholder: 'ccoctl --dry-run placeholder "{{placeholder}}" was never replaced; expected the real value',
    },
  },
  check(r: SecretLike | AuthenticationConfig, ctx) {
    if (r.kind === 'k8s:Authentication') {
      const issuer = r.serviceAccountIssuer;
      if (!issuer) return;
      for (const m of issuer.value.matchAll(PLACEHOLDER)) {
        ctx.report({ at: subSpan(issuer, m.index, m.index + m[0].length), messageId: 'placeholder', data: { placeholder: m[0] } });
      }
      return;
    }
    const secret = nameOf(r);
    for (const d of r.entries.values()) {
      if (d.unknown || d.text === undefined) continue;
      const at = d.text.indexOf(SENTINEL);
      if (at >= 0) ctx.report({ at: posSpan(d.positions, at, at + SENTINEL.length), messageId: 'sentinel', data: { secret } });
      for (const m of d.text.matchAll(PLACEHOLDER)) {
        ctx.report({ at: posSpan(d.positions, m.index, m.index + m[0].length), messageId: 'placeholder', data: { placeholder: m[0] } });
      }
    }
    for (const profiles of r.awsProfiles.values()) {
      for (const p of profiles) {
        const s = settingOf(p.settings, 'role_arn');
        if (!s || isUnknown(s.value) || s.value.value.trim() !== '') continue;
        ctx.report({ at: s.key, messageId: 'emptyRoleArn', data: { profile: p.name, secret } });
      }
    }
  },
});
