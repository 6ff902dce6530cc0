import { defineRule } from '../../src/engine/types.js';

/** Reported by the loaders, not by `check`: a file that cannot be parsed is a finding at the exact position. */
export default defineRule({
  meta: {
    id: 'parse/syntax',
    type: 'problem',
    severity: 'error',
    tags: ['syntax'],
    docs: {
      description: 'Report files and embedded policy documents that cannot be parsed',
      whatItChecks:
        'Every YAML document, JSON file and JSON string holding a policy (`AssumeRolePolicyDocument` in ccoctl and `aws iam get-role` output) must parse. Duplicate keys are reported too.',
      whyItMatters:
        'A manifest or policy that does not parse is rejected by `kubectl apply`, the API server or IAM, and every cross-reference through it is invisible to the other rules. The rest of the repository is still checked.',
      howToFix: 'Fix the syntax at the reported position. For a document that is generated (ccoctl `--dry-run` output), finish or regenerate it.',
      references: ['YAML 1.1/1.2 and RFC 8259 (JSON)'],
    },
    appliesTo: [],
    messages: {
      syntax: '{{message}}',
    },
  },
  check() {},
});
