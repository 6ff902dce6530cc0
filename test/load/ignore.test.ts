/** Ignore files: `.gitignore` (nested, negation, directories), `.irsa-lintignore`, `--ignore-pattern`, `--no-ignore`. */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lint } from '../../src/api.js';
import { main } from '../../src/cli.js';
import { discover, displayPath } from '../../src/load/discover.js';
import { findIgnoreFile, IgnoreRules, literalBounds, rebase } from '../../src/load/ignore.js';
import { deployment, rmRepo, tmpRepo } from '../config/tmp.js';

const CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n';

/** Display paths found under `inputs` with the repository's ignore files and `patterns`. */
function found(dir: string, inputs: string[] = ['.'], patterns: string[] = [], gitignore = true, cwd = dir): string[] {
  const file = findIgnoreFile(cwd);
  const ignoreFile = file ? { dir: path.dirname(file), text: fs.readFileSync(file, 'utf8') } : undefined;
  const ignore = new IgnoreRules({ gitignore, ignoreFile, patterns, cwd });
  return discover(inputs, cwd, { ignore }).files.map((f) => displayPath(f, cwd));
}

async function cli(argv: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { cwd, env: {}, stdout: (s) => (out += s), stderr: (s) => (err += s), readStdin: () => '', isTTY: false });
  return { code, out, err };
}

test('rebase: anchored and floating patterns, negation, comments', () => {
  assert.is(rebase('*.yaml', 'r/a'), 'r/a/**/*.yaml');
  assert.is(rebase('build/', 'r/a'), 'r/a/**/build/', 'a trailing slash alone does not anchor');
  assert.is(rebase('/x.yaml', 'r/a'), 'r/a/x.yaml');
  assert.is(rebase('deploy/old', 'r/a'), 'r/a/deploy/old', 'a slash in the middle anchors');
  assert.is(rebase('**/tmp', 'r'), 'r/**/tmp');
  assert.is(rebase('!keep.yaml', 'r'), '!r/**/keep.yaml');
  assert.is(rebase('!/keep.yaml', 'r'), '!r/keep.yaml');
  assert.is(rebase('\\#literal', 'r'), 'r/**/\\#literal');
  assert.is(rebase('# comment', 'r'), undefined);
  assert.is(rebase('   ', 'r'), undefined);
  assert.is(rebase('a.yaml\r', 'r'), 'r/**/a.yaml', 'CRLF line ends');
});

test('.gitignore: directory patterns, globs, negation, and the walk root above them', () => {
  const dir = tmpRepo(
    {
      '.gitignore': '# generated\nvendor/\n*.gen.yaml\nrendered/*.yaml\n!rendered/keep.yaml\n',
      'k8s/a.yaml': CM,
      'k8s/b.gen.yaml': CM,
      'k8s/vendor/c.yaml': CM,
      'vendor/d.yaml': CM,
      'vendor.yaml': CM,
      'rendered/x.yaml': CM,
      'rendered/keep.yaml': CM,
    },
    { git: true },
  );
  try {
    assert.equal(found(dir), ['k8s/a.yaml', 'rendered/keep.yaml', 'vendor.yaml']);
    // The top level's .gitignore applies to a walk that starts below it.
    assert.equal(found(dir, ['k8s']), ['k8s/a.yaml']);
    assert.equal(found(path.join(dir, 'k8s'), ['.']), ['a.yaml'], 'also from a working directory below the top level');
    assert.equal(found(dir, ['.'], [], false), ['k8s/a.yaml', 'k8s/b.gen.yaml', 'k8s/vendor/c.yaml', 'rendered/keep.yaml', 'rendered/x.yaml', 'vendor.yaml', 'vendor/d.yaml']);
  } finally {
    rmRepo(dir);
  }
});

test('.gitignore: a file in an ignored directory cannot be re-included, as in git', () => {
  const dir = tmpRepo({ '.gitignore': 'gen/\n!gen/keep.yaml\n', 'gen/keep.yaml': CM, 'a.yaml': CM }, { git: true });
  try {
    assert.equal(found(dir), ['a.yaml']);
  } finally {
    rmRepo(dir);
  }
});

test('nested .gitignore files: relative to their directory, deeper ones override', () => {
  const dir = tmpRepo(
    {
      '.gitignore': '*.local.yaml\nold/\n',
      'y.yaml': CM,
      'x.yaml': CM,
      'app/.gitignore': '/x.yaml\ny.yaml\n!keep.local.yaml\n!old/\n',
      'app/x.yaml': CM,
      'app/y.yaml': CM,
      'app/sub/x.yaml': CM,
      'app/sub/y.yaml': CM,
      'app/keep.local.yaml': CM,
      'app/drop.local.yaml': CM,
      'app/old/a.yaml': CM,
      'old/b.yaml': CM,
    },
    { git: true },
  );
  try {
    assert.equal(found(dir), ['app/keep.local.yaml', 'app/old/a.yaml', 'app/sub/x.yaml', 'x.yaml', 'y.yaml']);
    assert.equal(found(dir, ['app']), ['app/keep.local.yaml', 'app/old/a.yaml', 'app/sub/x.yaml']);
    assert.equal(found(dir, ['app/sub']), ['app/sub/x.yaml'], "the parent directory's .gitignore applies below it");
  } finally {
    rmRepo(dir);
  }
});

test('.gitignore is read only inside a git work tree; a nested repository has its own', () => {
  const plain = tmpRepo({ '.gitignore': 'a.yaml\n', 'a.yaml': CM, 'b.yaml': CM });
  try {
    assert.equal(found(plain), ['a.yaml', 'b.yaml'], 'no .git: .gitignore means nothing');
  } finally {
    rmRepo(plain);
  }
  const dir = tmpRepo({ '.gitignore': '*.tmp.yaml\n', 'a.tmp.yaml': CM, 'inner/.git/HEAD': 'ref: refs/heads/main\n', 'inner/b.tmp.yaml': CM, 'inner/.gitignore': 'c.yaml\n', 'inner/c.yaml': CM }, { git: true });
  try {
    assert.equal(found(dir), ['inner/b.tmp.yaml']);
  } finally {
    rmRepo(dir);
  }
});

test('.irsa-lintignore: found up to the git top level, relative to its directory, may re-include what git ignores', () => {
  const dir = tmpRepo(
    {
      '.gitignore': 'generated/\n',
      '.irsa-lintignore': '# test data\nfixtures/\n!generated/\n',
      'generated/a.yaml': CM,
      'fixtures/b.yaml': CM,
      'k8s/c.yaml': CM,
      'k8s/fixtures/d.yaml': CM,
    },
    { git: true },
  );
  try {
    assert.equal(found(dir), ['generated/a.yaml', 'k8s/c.yaml']);
    assert.equal(found(path.join(dir, 'k8s')), ['c.yaml'], 'found in a parent directory');
    assert.is(findIgnoreFile(path.join(dir, 'k8s')), path.join(dir, '.irsa-lintignore'));
  } finally {
    rmRepo(dir);
  }
});

test('--ignore-pattern: relative to the current directory, after the ignore files', () => {
  const dir = tmpRepo({ '.gitignore': 'skip.yaml\n', 'a.yaml': CM, 'skip.yaml': CM, 'k8s/a.yaml': CM, 'k8s/b.yaml': CM }, { git: true });
  try {
    assert.equal(found(dir, ['.'], ['/a.yaml']), ['k8s/a.yaml', 'k8s/b.yaml'], 'anchored to the current directory');
    assert.equal(found(dir, ['.'], ['a.yaml']), ['k8s/b.yaml'], 'at any depth');
    assert.equal(found(dir, ['.'], ['k8s/', '!skip.yaml']), ['a.yaml', 'skip.yaml'], 'a negation re-includes what .gitignore left out');
    assert.equal(found(path.join(dir, 'k8s'), ['.'], ['b.yaml']), ['a.yaml']);
  } finally {
    rmRepo(dir);
  }
});

test('inputs named on the command line are never ignored themselves', () => {
  const dir = tmpRepo({ '.gitignore': 'rendered/\n*.secret.yaml\n', 'rendered/a.yaml': CM, 'rendered/b.secret.yaml': CM, 'c.secret.yaml': CM }, { git: true });
  try {
    assert.equal(found(dir), []);
    assert.equal(found(dir, ['c.secret.yaml']), ['c.secret.yaml'], 'a named file is read');
    assert.equal(found(dir, ['rendered']), ['rendered/a.yaml'], 'a named directory is walked; its entries still follow the rules');
    assert.equal(found(path.join(dir, 'rendered'), ['.']), ['a.yaml'], 'also when it is the current directory');
  } finally {
    rmRepo(dir);
  }
});

test('literalBounds: the text a rule must start and end with', () => {
  assert.equal(literalBounds('repo/**/*.tgz'), { head: 'repo/', tail: '.tgz' });
  assert.equal(literalBounds('repo/dist/*'), { head: 'repo/dist/', tail: '' });
  assert.equal(literalBounds('repo/a.yaml'), { head: 'repo/a.yaml', tail: '' });
  assert.equal(literalBounds('repo/x\\ '), { head: 'repo/x', tail: ' ' }, 'an escape counts as a glob character');
  assert.equal(literalBounds('repo/[ab].yaml'), { head: 'repo/', tail: '.yaml' });
});

test('a named directory that a rule without a trailing slash covers is walked; its files follow the other rules', () => {
  const dir = tmpRepo(
    {
      '.gitignore': 'build\ngen/**\n*.tmp.yaml\n!keep.tmp.yaml\n',
      'build/manifests/a.yaml': CM,
      'build/manifests/b.tmp.yaml': CM,
      'build/manifests/keep.tmp.yaml': CM,
      'gen/x/c.yaml': CM,
      'ok/d.yaml': CM,
      'ok/e.tmp.yaml': CM,
    },
    { git: true },
  );
  try {
    assert.equal(found(dir), ['ok/d.yaml']);
    assert.equal(found(dir, ['build/manifests']), ['build/manifests/a.yaml', 'build/manifests/keep.tmp.yaml']);
    assert.equal(found(dir, ['gen/x']), [], 'the directory is walked, and gen/** matches its files');
    assert.equal(found(path.join(dir, 'build'), ['.']), ['manifests/a.yaml', 'manifests/keep.tmp.yaml'], 'also as the current directory');
  } finally {
    rmRepo(dir);
  }
});

test('directories whose names hold glob characters or spaces; ./ in --ignore-pattern', () => {
  const dir = tmpRepo({ 'my repo [1]/.gitignore': '*.gen.yaml\n', 'my repo [1]/a.yaml': CM, 'my repo [1]/b.gen.yaml': CM, 'my repo [1]/k8s/c.yaml': CM, 'my repo [1]/.git/HEAD': 'ref: refs/heads/main\n' });
  try {
    const root = path.join(dir, 'my repo [1]');
    assert.equal(found(root), ['a.yaml', 'k8s/c.yaml']);
    assert.equal(found(root, ['.'], ['./k8s']), ['a.yaml']);
    assert.equal(found(root, ['.'], ['./a.yaml', '!./k8s']), ['k8s/c.yaml']);
  } finally {
    rmRepo(dir);
  }
});

test('CLI: .gitignore by default, --ignore-pattern (repeatable), --no-ignore', async () => {
  const dir = tmpRepo({ '.gitignore': 'legacy/\n', 'legacy/d.yaml': deployment('legacy', 300), 'old/d.yaml': deployment('old', 300), 'k8s/cm.yaml': CM }, { git: true });
  try {
    const r = await cli(['lint', '--no-color', '--ignore-pattern', 'old/'], dir);
    assert.equal([r.code, r.out, r.err], [0, 'no problems found in 1 file\n', '']);
    const two = await cli(['lint', '--no-color', '--ignore-pattern', 'old/', '--ignore-pattern', 'k8s'], dir);
    assert.is(two.out, 'no problems found in 0 files\n');
    const plain = await cli(['lint', '--no-color'], dir);
    assert.is(plain.code, 1);
    assert.match(plain.out, /^old\/d\.yaml:17:38 {2}error/m);
    assert.not.match(plain.out, /legacy\//);
    const all = await cli(['lint', '--no-color', '--no-ignore'], dir);
    assert.match(all.out, /^legacy\/d\.yaml:17:38 {2}error/m);
    assert.match(all.out, /in 3 files\n$/);
    const both = await cli(['lint', '--no-ignore', '--ignore-pattern', 'x'], dir);
    assert.equal([both.code, both.err], [2, "irsa-lint: --ignore-pattern and --no-ignore cannot be used together\nTry 'irsa-lint --help'.\n"]);
    // The API options.
    assert.is((await lint(['.'], { cwd: dir, ignorePatterns: ['old/'] })).files.length, 1);
    assert.is((await lint(['.'], { cwd: dir, ignore: false })).files.length, 3);
  } finally {
    rmRepo(dir);
  }
});

test('a pre-commit style run: a staged file that the ignore files cover is still read, its context is not', async () => {
  const dir = tmpRepo({ '.irsa-lintignore': 'legacy/\n', 'legacy/d.yaml': deployment('legacy', 300), 'k8s/d.yaml': deployment('app', 300) }, { git: true });
  try {
    const r = await cli(['lint', '--no-color', '--context', '.', 'legacy/d.yaml'], dir);
    assert.is(r.code, 1);
    assert.is(r.out.split('\n')[0], 'legacy/d.yaml:17:38  error  projected token expirationSeconds 300 is below the minimum of 600  k8s/token-expiration-minimum');
    assert.match(r.out, /in 2 files\n$/);
  } finally {
    rmRepo(dir);
  }
});

test.run();
