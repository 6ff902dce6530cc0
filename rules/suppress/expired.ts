import { defineRule } from '../../src/engine/types.js';

/** Reported by the suppression pass in `lint()` (src/suppress/apply.ts), not by `check`. */
export default defineRule({
  meta: {
    id: 'suppress/expired',
    type: 'hardening',
    severity: 'note',
    tags: ['suppression'],
    docs: {
      description: 'Report configuration ignore entries whose expiry date has passed',
      whatItChecks:
        'An `ignore:` entry of the configuration file with `expires: YYYY-MM-DD` applies up to and including that day (UTC). From the next day it no longer suppresses anything, so the findings it covered are reported again, and the entry itself is reported.',
      whyItMatters:
        'Expiring exceptions are how a temporary acceptance (a migration, a vendor fix) stays temporary; without a visible signal the entry would be renewed blindly or forgotten.',
      howToFix: 'Fix the findings and delete the entry, or, if the exception still holds, move `expires` forward and update `reason`.',
      references: ['trivy .trivyignore `exp:YYYY-MM-DD` and .trivyignore.yaml `expired_at`'],
    },
    appliesTo: [],
    messages: {
      expired: 'suppression of "{{rule}}" expired on {{date}}',
    },
  },
  check() {},
});
