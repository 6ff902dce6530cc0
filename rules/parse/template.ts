import { defineRule } from '../../src/engine/types.js';

/**
 * Reported by discovery, not by `check`: Helm chart templates, which are not read. A note, never
 * an error: the files are not wrong, they are not YAML yet.
 */
export default defineRule({
  meta: {
    id: 'parse/template',
    type: 'problem',
    severity: 'note',
    tags: ['syntax', 'helm', 'template'],
    docs: {
      description: 'Report Helm chart templates, which are not linted until rendered',
      whatItChecks:
        'A directory holding `Chart.yaml` is a Helm chart: the files under its `templates/` (and its subcharts\' `charts/<name>/templates/`) are Go templates, so they are not read, and `Chart.yaml`, `values.yaml` and `values.schema.json` are not resources. Each chart with templates gets one note, on the `name` in its `Chart.yaml`, with the command that lints the rendered chart.',
      whyItMatters:
        'A template is YAML only once rendered: `{{ .Release.Name }}-app` is a syntax error to a YAML parser, and `{{- include "labels" . | nindent 4 }}` becomes a stray key. Reading templates as manifests fails the run on files that are fine, or builds resources out of template syntax. Not reading them silently would hide that the chart\'s ServiceAccounts, role annotations and pod specs were never checked, so the note says so once per chart.',
      howToFix:
        'Lint the rendered chart together with the repository: `helm template RELEASE CHART | irsa-lint lint - .` reads the rendered stream as one more file beside the repository\'s files. Findings then point at the rendered stream. To silence the note for a chart, set `parse/template: off` or add `# irsa-lint-disable parse/template -- <reason>` to its `Chart.yaml`.',
      references: [
        'Helm documentation, "Charts" (https://helm.sh/docs/topics/charts/): the chart file structure (Chart.yaml, values.yaml, values.schema.json, charts/, templates/, NOTES.txt, partials starting with _)',
        'Helm documentation, "helm template" (https://helm.sh/docs/helm/helm_template/)',
      ],
    },
    appliesTo: [],
    messages: {
      helmChart: 'Helm chart "{{name}}" ({{templates}}) is not linted as written: Go templates are YAML only once rendered; lint the rendered chart: {{command}}',
    },
  },
  check() {},
});
