/**
 * One SDK setting in all its static spellings (a container env value, an env-file key of a Secret
 * or ConfigMap, a profile setting in AWS shared config/credentials text), for the `sdk/*` rules
 * that judge a setting's value. Not a rule itself.
 */
import type { RuleContext } from '../../src/engine/types.js';
import { containersOf, literalEnv } from '../../src/model/container.js';
import type { SecretLike, Workload } from '../../src/model/k8s.js';
import { isUnknown } from '../../src/model/span.js';

/** An SDK setting that can be written as an env variable (container env or env-file key) and as a profile setting. */
export interface SettingSpec {
  /** Environment variable name, e.g. `AWS_ROLE_SESSION_NAME`. */
  readonly variable: string;
  /** Profile setting name, lower case, e.g. `role_session_name`. */
  readonly setting: string;
  /** What is wrong with a static value, or undefined when it is fine (or empty, or templated). */
  readonly problem: (value: string) => string | undefined;
}

type SettingMessage = 'envValue' | 'dataValue' | 'profileValue';

/** Values are shown on one line. */
const oneLine = (value: string): string => value.replace(/\r?\n/g, '\\n');

/**
 * Reports every static spelling of the setting whose value has a problem: a literal container env
 * value (`envValue`), a Secret/ConfigMap key of that name used as an env file (`dataValue`) and the
 * profile setting in AWS config/credentials text held by a Secret/ConfigMap (`profileValue`).
 * Message data: value, problem, and container / kind / key / profile as applicable.
 */
export function checkSetting(r: SecretLike | Workload, ctx: RuleContext<SettingMessage>, spec: SettingSpec): void {
  if (r.kind === 'k8s:Secret' || r.kind === 'k8s:ConfigMap') {
    const kind = r.kindName.value;
    const d = r.entries.get(spec.variable);
    const pd = d && !d.unknown && !d.key.unknown && d.text !== undefined ? spec.problem(d.text) : undefined;
    if (d && pd) ctx.report({ at: d.valueSpan, messageId: 'dataValue', data: { kind, value: oneLine(d.text!), problem: pd } });
    for (const [key, profiles] of r.awsProfiles) {
      for (const p of profiles) {
        for (const s of p.settings.values()) {
          if (s.key.value.toLowerCase() !== spec.setting || isUnknown(s.value)) continue;
          const pp = spec.problem(s.value.value);
          if (pp) ctx.report({ at: s.value, messageId: 'profileValue', data: { kind, key, profile: p.name, value: oneLine(s.value.value), problem: pp } });
        }
      }
    }
    return;
  }
  for (const c of containersOf(r as Workload)) {
    const v = literalEnv(c, spec.variable);
    const p = v ? spec.problem(v.value) : undefined;
    if (v && p) ctx.report({ at: v, messageId: 'envValue', data: { value: oneLine(v.value), container: c.name.value, problem: p } });
  }
}
