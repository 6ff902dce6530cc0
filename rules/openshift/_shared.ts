/**
 * Helpers shared by the `openshift/*` rules (not a rule: it is not registered in rules/index.ts).
 * Source of the behaviour encoded here: /work/shared/reference/ccoctl.md.
 */
import type { Facts } from '../../src/engine/types.js';
import type { Index } from '../../src/model/index.js';
import type { CredentialsRequest, SecretLike } from '../../src/model/k8s.js';
import { isCcoctlAws, roleArnSettings } from '../../src/model/ccoctl.js';
import type { Located } from '../../src/model/span.js';
import { roleNameFromArn } from '../../src/iam/arn.js';
import { isUnknown } from '../../src/model/span.js';
export { isUnknown };
export { isCcoctlAws, podSecretRefs, roleArnSettings, settingOf, skippedByCcoctl, type PodSecretRef } from '../../src/model/ccoctl.js';

/** ccoctl `OidcTokenPath` (pkg/cmd/provisioning/constants.go): the token file written into every Secret. */
export const CCOCTL_TOKEN_PATH = '/var/run/secrets/openshift/serviceaccount/token';

/** `secretRef.namespace`/`.name` when both are static and non-empty. */
export function staticSecretRef(cr: CredentialsRequest): { namespace: string; name: string } | undefined {
  const ns = cr.secretRef?.namespace;
  const name = cr.secretRef?.name;
  if (!ns || !name || isUnknown(ns) || isUnknown(name) || ns.value === '' || name.value === '') return undefined;
  return { namespace: ns.value, name: name.value };
}

/** `<ns>/<name>` of a resource, for messages. */
export function nameOf(r: { namespace: string; name?: Located<string> }): string {
  return `${r.namespace}/${r.name?.value ?? '<unnamed>'}`;
}

/**
 * The ccoctl `--name` prefix: the `ccoctlPrefix` fact, else the one prefix that every ccoctl Secret of
 * the repository agrees on (role name = `<prefix>-<secretRef.namespace>-<secretRef.name>`, not truncated).
 */
export function ccoctlPrefix(facts: Facts, index: Index): { prefix: string; from: 'facts' | 'secret'; at?: Located<string> } | undefined {
  if (facts.ccoctlPrefix) return { prefix: facts.ccoctlPrefix, from: 'facts' };
  const found = new Map<string, Located<string>>();
  for (const secret of index.ofKind<SecretLike>('k8s:Secret')) {
    if (secret.namespaceUnknown || !secret.name || isUnknown(secret.name)) continue;
    const crs = index.credentialsRequestsFor(secret.namespace, secret.name.value).filter(isCcoctlAws);
    if (crs.length === 0) continue;
    const suffix = `-${secret.namespace}-${secret.name.value}`;
    for (const s of roleArnSettings(secret)) {
      if (isUnknown(s.value)) continue;
      const role = roleNameFromArn(s.value.value);
      if (!role || role.length > 64 || !role.endsWith(suffix) || role.length === suffix.length) continue;
      const p = role.slice(0, role.length - suffix.length);
      if (!found.has(p)) found.set(p, s.value);
    }
  }
  if (found.size !== 1) return undefined;
  const [[prefix, at]] = [...found];
  return { prefix, from: 'secret', at };
}
