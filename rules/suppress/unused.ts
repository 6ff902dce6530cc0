import { defineRule } from '../../src/engine/types.js';

/** Reported by the suppression pass in `lint()` (src/suppress/apply.ts), not by `check`. */
export default defineRule({
  meta: {
    id: 'suppress/unused',
    type: 'hardening',
    severity: 'note',
    tags: ['suppression'],
    docs: {
      description: 'Report suppressions that match no finding or name an unknown rule',
      whatItChecks:
        'Every suppression: a `# irsa-lint-disable-next-line`, `# irsa-lint-disable-line` or `# irsa-lint-disable` comment, an `irsa-lint.io/ignore` annotation entry, or an `ignore:` entry of the configuration file. It is reported when a rule it names matched no finding in this run, when it names a rule id that does not exist, or when it names no rule at all. A suppression is only judged when the rules it names ran, and a configuration entry only when its file or resource was part of the run, so linting a subset of the repository or turning a rule off does not report it; when only single files are linted (no directory, as a pre-commit hook passing changed files does), cross-file rules see half the picture and no suppression is judged unused.',
      whyItMatters:
        'A suppression that outlived its finding hides the next, unrelated finding of that rule at the same place; a misspelt rule id suppresses nothing and the author believes otherwise.',
      howToFix: 'Delete the suppression, or correct the rule id (`irsa-lint rules` lists them).',
      references: ['ESLint --report-unused-disable-directives', 'docs/rules/README.md (suppression syntax)'],
    },
    appliesTo: [],
    messages: {
      unused: 'suppression of "{{rule}}" matches no finding',
      unknownRule: 'suppression names unknown rule "{{rule}}"',
      noRule: 'suppression names no rule',
    },
  },
  check() {},
});
