/** Temporary repositories for configuration, suppression and baseline tests. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Create a directory holding `files` (path → text); returns its absolute path. */
export function tmpRepo(files: Readonly<Record<string, string>>, opts: { git?: boolean } = {}): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'irsa-lint-test-')));
  if (opts.git) fs.mkdirSync(path.join(dir, '.git'));
  writeFiles(dir, files);
  return dir;
}

export function writeFiles(dir: string, files: Readonly<Record<string, string>>): void {
  for (const [rel, text] of Object.entries(files)) {
    const abs = path.join(dir, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, text);
  }
}

export function rmRepo(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** A Deployment whose projected token lives `seconds` (k8s/token-expiration-minimum fires below 600). */
export function deployment(name: string, seconds: number, opts: { namespace?: string; annotations?: Record<string, string>; comment?: string } = {}): string {
  const ann = opts.annotations ? `  annotations:\n${Object.entries(opts.annotations).map(([k, v]) => `    ${k}: ${JSON.stringify(v)}\n`).join('')}` : '';
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: ${name}`,
    ...(opts.namespace ? [`  namespace: ${opts.namespace}`] : []),
    ...(ann ? [ann.trimEnd()] : []),
    'spec:',
    '  template:',
    '    spec:',
    `      serviceAccountName: ${name}`,
    '      containers:',
    '        - name: app',
    '          image: amazon/aws-cli',
    '      volumes:',
    '        - name: token',
    '          projected:',
    '            sources:',
    '              - serviceAccountToken:',
    ...(opts.comment ? [`                  ${opts.comment}`] : []),
    `                  expirationSeconds: ${seconds}`,
    '                  path: token',
    '',
  ].join('\n');
}
