import { defineRule } from '../../src/engine/types.js';

/** Reported by the suppression pass in `lint()` (src/suppress/apply.ts), not by `check`. */
export default defineRule({
  meta: {
    id: 'suppress/missing-reason',
    type: 'hardening',
    severity: 'note',
    tags: ['suppression'],
    docs: {
      description: 'Report suppressions that give no reason',
      whatItChecks:
        'Every suppression must say why the finding is acceptable: the text after ` -- ` in a comment, the text after `=` in an `irsa-lint.io/ignore` annotation entry, `reason:` in a configuration `ignore:` entry. A suppression without a reason still suppresses; this rule reports it.',
      whyItMatters:
        'The reason is what a reviewer, an auditor or the next maintainer reads to decide whether the exception still holds. It is also the `justification` of the SARIF suppression that code scanning shows.',
      howToFix: 'Add the reason: `# irsa-lint-disable-next-line <rule> -- <reason>`, `irsa-lint.io/ignore: "<rule>=<reason>"`, or `reason: <text>` in the `ignore:` entry.',
      references: ['SARIF 2.1.0 §3.35 suppression object (justification)'],
    },
    appliesTo: [],
    messages: {
      comment: 'suppression of "{{rules}}" gives no reason (add " -- <reason>" after the rule ids)',
      annotation: 'suppression of "{{rules}}" gives no reason (write "{{rules}}=<reason>")',
      config: 'suppression of "{{rules}}" gives no reason (add "reason:" to the ignore entry)',
    },
  },
  check() {},
});
