import { defineRule } from '../../src/engine/types.js';

/**
 * Reported by discovery and the loaders, not by `check`: Helm chart templates, which are not read,
 * and templated YAML that does not parse until rendered. A note, never an error: the files are
 * not wrong, they are not YAML yet.
 */
export default defineRule({
  meta: {
    id: 'parse/template',
    type: 'problem',
    severity: 'note',
    tags: ['syntax', 'helm', 'template'],
    docs: {
      description: 'Report Helm chart templates and templated YAML, which are not linted until rendered',
      whatItChecks:
        'A directory holding `Chart.yaml` is a Helm chart: the files under its `templates/` (and its subcharts\' `charts/<name>/templates/`) are Go templates, so they are not read, and `Chart.yaml`, `values.yaml` and `values.schema.json` are not resources. Each chart with templates gets one note, on the `name` in its `Chart.yaml`, with the command that lints the rendered chart; a chart whose rendered output is linted in the same run (a document whose `# Source:` comment names one of its templates) gets none. Outside charts, a YAML or JSON document that does not parse and holds a template action where a value or key would start (`name: {{ .Release.Name }}-app`, a `{{- if … }}` line; Go templates, Jinja `{% … %}` and `{# … #}`) is a note at that action instead of a `parse/syntax` error, and so is any document of a template file (`*.tpl`, `*.gotmpl`, `*.j2`, `*.jinja`, `*.jinja2`, `*.erb`) that does not parse. Actions inside quoted strings or comments do not make a document a template, so a real syntax error there is still `parse/syntax`. Template actions that parse (`name: {{ .Values.name }}`, `\'{{name}}\'`) are unknown values, which every rule leaves alone.',
      whyItMatters:
        'A template is YAML only once rendered: `{{ .Release.Name }}-app` is a syntax error to a YAML parser, and `{{- include "labels" . | nindent 4 }}` becomes a stray key. Reading templates as manifests fails the run on files that are fine, or builds resources out of template syntax. Not reading them silently would hide that the chart\'s ServiceAccounts, role annotations and pod specs were never checked, so the note says so once per chart.',
      howToFix:
        'Lint the rendered chart together with the repository: `helm template RELEASE CHART | irsa-lint lint - --stdin-filename CHART/rendered.yaml .` reads the rendered stream as one more file beside the repository\'s files (add `--context .` to see only the findings that concern the rendered chart). Findings then point at `CHART/rendered.yaml`, with the template that Helm\'s `# Source:` comment names as a related location (the template file in the chart, at the line that sets the same key when only one does). For other templated files (Argo CD and Flux generators, Ansible templates), lint what renders from them. To silence the note for a chart, set `parse/template: off` or add `# irsa-lint-disable parse/template -- <reason>` to its `Chart.yaml`.',
      references: [
        'Helm documentation, "Charts" (https://helm.sh/docs/topics/charts/): the chart file structure (Chart.yaml, values.yaml, values.schema.json, charts/, templates/, NOTES.txt, partials starting with _)',
        'Helm documentation, "helm template" (https://helm.sh/docs/helm/helm_template/)',
        'helm/helm pkg/action/action.go (renderResources writes "---", then "# Source: <chart>/templates/<file>", before every rendered manifest)',
        'Go text/template (https://pkg.go.dev/text/template): actions delimited by {{ and }}, trim markers {{- and -}}',
        'YAML 1.2.2 section 7.4 (flow collections): "{" starts a flow mapping, so an unquoted {{ … }} is a mapping inside a mapping',
      ],
    },
    appliesTo: [],
    messages: {
      helmChart: 'Helm chart "{{name}}" ({{templates}}) is not linted as written: Go templates are YAML only once rendered; lint the rendered chart: {{command}}',
      templatedYaml: 'template action "{{action}}" does not parse until rendered ({{error}}), so this document was not linted; lint the rendered output',
      templateFile: 'template file "{{file}}" does not parse until rendered ({{error}}), so this document was not linted; lint the rendered output',
    },
  },
  check() {},
});
