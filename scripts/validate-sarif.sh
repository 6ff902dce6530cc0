#!/usr/bin/env bash
# Validate irsa-lint's SARIF output with Microsoft's SARIF validator (@microsoft/sarif-multitool),
# running both its SARIF rule set and its GitHub code-scanning rule set (--rule-kind "Gh;Sarif").
#
# The validator exits 0 even when it finds problems, so this script reads its output log and fails
# on any result at level error or warning, and on any GitHub (GH*) rule result. Notes are printed.
# The JSON-schema check proper is test/format/sarif.test.ts (ajv against schemas/sarif-schema-2.1.0.json).
#
# Uses dist/src/cli.js when built (.ci/run builds first), else (or with IRSA_LINT_SOURCE=1) src/cli.ts through tsx.
# SARIF_MULTITOOL=/path/to/Sarif.Multitool skips the npm download.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ -z "${IRSA_LINT_SOURCE:-}" ] && [ -f dist/src/cli.js ]; then lint=(node "$root/dist/src/cli.js"); else lint=(node --import tsx "$root/src/cli.ts"); fi

# name, directory: SARIF of `irsa-lint lint .` run in that directory (paths relative to it).
cases=(
  "cross-reference:fixtures/irsa/trust-subject-exists/invalid-missing-service-account"
  "suppressions:fixtures/suppress/unused/valid-every-suppression-used"
  "eks-webhook:examples/eks-webhook"
  "eks-pod-identity:examples/eks-pod-identity-migration"
  "openshift-sts:examples/openshift-sts"
)
for c in "${cases[@]}"; do
  name=${c%%:*}
  dir=${c#*:}
  (cd "$dir" && "${lint[@]}" lint --format sarif --fail-on never --output-file "$tmp/$name.sarif" .)
done

tool=${SARIF_MULTITOOL:-}
if [ -z "$tool" ]; then
  # The npm package's bin.js re-runs the platform binary through a shell, which splits "Gh;Sarif"
  # at the ';'; call the binary (the package's main export is its path) directly instead.
  shim=$(npm exec --yes --package=@microsoft/sarif-multitool@5.7.0 -c 'command -v sarif-multitool') || {
    echo "validate-sarif: cannot get @microsoft/sarif-multitool from npm (set SARIF_MULTITOOL)" >&2
    exit 1
  }
  tool=$(node -e 'process.stdout.write(require(require("path").dirname(process.argv[1])))' "$(readlink -f "$shim")")
fi
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=${DOTNET_SYSTEM_GLOBALIZATION_INVARIANT:-1}
export DOTNET_CLI_TELEMETRY_OPTOUT=1

status=0
for c in "${cases[@]}"; do
  name=${c%%:*}
  "$tool" validate "$tmp/$name.sarif" --output "$tmp/$name.validation.sarif" --log ForceOverwrite \
    --rule-kind "Gh;Sarif" --level "Error;Warning;Note" --quiet >"$tmp/$name.log" 2>&1 || true
  if [ ! -s "$tmp/$name.validation.sarif" ]; then
    echo "validate-sarif: $name: the validator wrote no output" >&2
    cat "$tmp/$name.log" >&2
    status=1
    continue
  fi
  node - "$tmp/$name.validation.sarif" "$name" <<'JS' || status=1
const fs = require('node:fs');
const [file, name] = process.argv.slice(2);
const log = JSON.parse(fs.readFileSync(file, 'utf8'));
let bad = 0;
const notes = new Map();
for (const run of log.runs ?? []) {
  for (const n of run.invocations?.flatMap((i) => [...(i.toolExecutionNotifications ?? []), ...(i.toolConfigurationNotifications ?? [])]) ?? []) {
    if (n.level === 'error') { bad++; console.error(`validate-sarif: ${name}: validator: ${n.message?.text}`); }
  }
  for (const r of run.results ?? []) {
    const level = r.level ?? 'warning';
    const fails = level === 'error' || level === 'warning' || /^GH/.test(r.ruleId ?? '');
    const where = r.locations?.[0]?.physicalLocation?.region;
    const text = r.message?.text ?? (r.message?.arguments ?? []).join(' | ');
    if (fails) {
      bad++;
      console.error(`validate-sarif: ${name}: ${level} ${r.ruleId}${where ? ` at ${where.startLine}:${where.startColumn}` : ''}: ${text}`);
    } else notes.set(r.ruleId, (notes.get(r.ruleId) ?? 0) + 1);
  }
}
const noted = [...notes].map(([id, n]) => `${id} ×${n}`).join(', ');
console.log(`validate-sarif: ${name}: ${bad ? `${bad} problem(s)` : 'ok'}${noted ? ` (notes: ${noted})` : ''}`);
if (bad) process.exit(1);
JS
done
exit $status
