import { defineRule } from '../../src/engine/types.js';
import type { Container, PodSpec, Volume, VolumeMount, Workload } from '../../src/model/k8s.js';
import { imageName } from '../../src/model/container.js';
import { lastEnv, normPath } from '../../src/model/container.js';
import { isUnknown } from '../../src/model/span.js';

/** Volume types whose mounts are always read-only (Kubernetes mounts API data volumes read-only). */
const READ_ONLY_TYPES = new Set(['secret', 'configMap', 'projected', 'downwardAPI']);
/** Further types that are never writable from the container (only for deciding what counts as writable). */
const NEVER_WRITABLE = new Set([...READ_ONLY_TYPES, 'image']);

/** The container's home directory: a literal `HOME`, else `/root` for a root container; undefined when unknown. */
function homeOf(c: Container, spec: PodSpec): string | undefined {
  const home = lastEnv(c, 'HOME');
  if (home) {
    if (!home.value || home.valueFrom || isUnknown(home.value) || !home.value.value.startsWith('/')) return undefined;
    return normPath(home.value.value);
  }
  const user = c.securityContext.runAsUser ?? spec.securityContext.runAsUser;
  const nonRoot = c.securityContext.runAsNonRoot ?? spec.securityContext.runAsNonRoot;
  if (user?.unknown || nonRoot?.unknown) return undefined;
  if (user && user.value !== 0) return undefined;
  if (!user && nonRoot?.value === true) return undefined;
  return '/root';
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Does the container run the AWS CLI (image or `aws ` in its command) or write under `~/.aws`?
 * The CLI caches assume-role and web identity credentials in `~/.aws/cli/cache`.
 */
function needsAwsDir(c: Container, home: string): boolean {
  if (c.image && !isUnknown(c.image) && imageName(c.image.value).toLowerCase().includes('aws-cli')) return true;
  const script = [...c.command, ...c.args].map((s) => s.value).join(' ');
  if (/(^|[\s;&|(`'"/])aws\s/.test(script)) return true;
  const dir = new RegExp(`^['"]?(~|\\$HOME|\\$\\{HOME\\}|${escapeRe(home === '/' ? '' : home)})/\\.aws(/|['"]?$)`);
  for (const segment of script.split(/;|&&|\|\||\||\n/)) {
    const words = segment.trim().split(/\s+/);
    for (let i = 0; i < words.length; i++) {
      const w = words[i];
      // `> ~/.aws/config`, `>~/.aws/config`
      if ((w === '>' || w === '>>') && dir.test(words[i + 1] ?? '')) return true;
      if (/^>>?/.test(w) && dir.test(w.replace(/^>>?/, ''))) return true;
      // mkdir/touch/tee create anything they are given; copy-like commands write to their last argument.
      if (['mkdir', 'touch', 'tee'].includes(w) && words.slice(i + 1).some((x) => dir.test(x))) return true;
      if (['cp', 'mv', 'ln', 'install', 'rsync'].includes(w) && i < words.length - 1 && dir.test(words[words.length - 1])) return true;
    }
  }
  return false;
}

function volumeOf(m: VolumeMount, spec: PodSpec): Volume | undefined {
  return spec.volumes.find((v) => v.name.value === m.name.value);
}

/** A mount the container can write to (generous: any type that is not known to be read-only). */
function writable(m: VolumeMount, spec: PodSpec): boolean {
  if (m.readOnly?.value === true && !m.readOnly.unknown) return false;
  const v = volumeOf(m, spec);
  return !!v && !NEVER_WRITABLE.has(v.type);
}

export default defineRule({
  meta: {
    id: 'k8s/aws-dir-writable',
    type: 'problem',
    severity: 'error',
    tags: ['kubernetes', 'aws-cli'],
    docs: {
      description: 'Keep `~/.aws` writable in containers that run the AWS CLI',
      whatItChecks:
        'Containers and init containers that run the AWS CLI (image `amazon/aws-cli`, `public.ecr.aws/aws-cli/aws-cli` or any image named `*aws-cli*`, or `aws ` in `command`/`args`) or whose command writes under `~/.aws`. Their home directory is a literal `HOME` env value, else `/root` when the container runs as root (`runAsUser` 0 or unset at container and pod level, and not `runAsNonRoot`); otherwise the container is skipped. Reported: a `secret`, `configMap`, `projected` or `downwardAPI` volume (or any `readOnly: true` mount) mounted exactly at `<home>/.aws`, and `readOnlyRootFilesystem: true` without a writable volume (emptyDir, PVC, hostPath, ...) mounted at `<home>/.aws/cli/cache` or one of its parent directories. Containers that set `AWS_ACCESS_KEY_ID` (static keys, no credential cache) are skipped.',
      whyItMatters:
        'The AWS CLI (v1 and v2) caches assume-role and web identity credentials in `~/.aws/cli/cache`, a location that cannot be configured (aws-cli `awscli/customizations/assumerole.py`, `JSONFileCache`). Writes are not guarded (`awscli/botocore/utils.py` `JSONFileCache.__setitem__`, `credentials.py` `_write_to_cache`), so an unwritable `~/.aws` makes every command fail, e.g. "[Errno 30] Read-only file system: \'/root/.aws/cli\'" (aws/aws-cli#4374, #7376 with readOnlyRootFilesystem and the pod identity webhook) or "[Errno 13] Permission denied: \'/.aws\'" (#9075). Secret, ConfigMap, projected and downwardAPI volumes are always mounted read-only.',
      howToFix:
        'Mount an `emptyDir` at `<home>/.aws` (or `<home>/.aws/cli`) and copy configuration into it, or mount a single file with `subPath` at `<home>/.aws/config` instead of the whole directory; with `readOnlyRootFilesystem: true`, point `HOME` at a writable `emptyDir`. Alternatively point `AWS_CONFIG_FILE`/`AWS_SHARED_CREDENTIALS_FILE` at the mounted files and keep `~/.aws` writable.',
      references: [
        'aws/aws-cli awscli/customizations/assumerole.py (JSONFileCache at ~/.aws/cli/cache), awscli/botocore/utils.py (JSONFileCache), awscli/botocore/credentials.py (CachedCredentialFetcher._write_to_cache)',
        'aws/aws-cli#4374, aws/aws-cli#7376, aws/aws-cli#9075, aws/aws-cli#1804',
        'kubernetes/kubernetes#58720 and #62099: secret, configMap, downwardAPI and projected volumes are always mounted read-only (kubernetes/website feature-gates/readonly-apidata-volumes.md, since v1.10)',
      ],
    },
    appliesTo: ['k8s:PodSpecOwner'],
    messages: {
      readOnlyMount:
        '"{{path}}" is mounted from read-only {{type}} volume "{{volume}}", so the AWS CLI cannot create its credential cache in "{{path}}/cli/cache"',
      readOnlyRoot:
        'readOnlyRootFilesystem is true and "{{path}}" is not on a writable volume, so the AWS CLI cannot create its credential cache in "{{path}}/cli/cache"',
    },
  },
  check(w: Workload, ctx) {
    const spec = w.podSpec;
    for (const c of [...spec.initContainers, ...spec.containers]) {
      const home = homeOf(c, spec);
      if (!home || !needsAwsDir(c, home)) continue;
      // Static keys from the environment win over every other provider: nothing is cached.
      if (lastEnv(c, 'AWS_ACCESS_KEY_ID')) continue;
      if (c.volumeMounts.some((m) => isUnknown(m.mountPath) || isUnknown(m.name) || m.readOnly?.unknown)) continue;
      const awsDir = normPath(`${home}/.aws`);
      const cache = `${awsDir}/cli/cache`;
      const mounts = c.volumeMounts.map((m) => ({ m, path: normPath(m.mountPath.value) }));
      const writableAt = (paths: (p: string) => boolean) => mounts.some(({ m, path }) => paths(path) && writable(m, spec));

      // (a) a read-only volume mounted over ~/.aws, unless the cache directory is a writable mount itself.
      const cacheMounted = writableAt((p) => p === `${awsDir}/cli` || p === cache);
      const over = mounts.find(({ path }) => path === awsDir);
      if (over && !cacheMounted) {
        const v = volumeOf(over.m, spec);
        const readOnly = v && (READ_ONLY_TYPES.has(v.type) || (over.m.readOnly?.value === true && !over.m.readOnly.unknown));
        if (v && readOnly) {
          ctx.report({
            at: over.m.mountPath,
            messageId: 'readOnlyMount',
            data: { path: awsDir, type: v.type, volume: v.name.value },
            related: [{ at: v.name, label: 'volume' }],
          });
          continue;
        }
      }

      // (b) read-only root filesystem and no writable volume on the way to ~/.aws/cli/cache.
      const rorfs = c.securityContext.readOnlyRootFilesystem;
      if (!rorfs || rorfs.unknown || rorfs.value !== true) continue;
      const covers = (p: string) => p === '/' || cache === p || cache.startsWith(`${p}/`);
      if (writableAt(covers)) continue;
      // A writable `.aws` directory elsewhere: the home directory is probably not the one assumed.
      if (writableAt((p) => /\/\.aws(\/cli(\/cache)?)?$/.test(p))) continue;
      ctx.report({ at: rorfs, messageId: 'readOnlyRoot', data: { path: awsDir } });
    }
  },
});
