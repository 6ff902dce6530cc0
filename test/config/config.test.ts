/** Every configuration key, discovery of the file, presets and levels. */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lint, RULES } from '../../src/api.js';
import { configFailOn, findConfigFile, loadConfigFile, parseConfig, resolveLevels } from '../../src/config/load.js';
import { ConfigError } from '../../src/config/types.js';
import { ROOT } from '../helpers.js';
import { deployment, rmRepo, tmpRepo } from './tmp.js';

const cfg = (text: string, name = '.irsa-lint.yaml') => parseConfig(text, `/repo/${name}`, name, RULES);
const TOKEN = 'k8s/token-expiration-minimum';

test('an empty file is an empty configuration', async () => {
  const c = cfg('');
  assert.equal(c.rules, {});
  assert.equal(c.ignore, []);
  assert.is(c.dir, '/repo');
  assert.equal(cfg('# only comments\n').rules, {});
  assert.equal(cfg('{}\n', '.irsa-lint.json').rules, {});
});

test('YAML is read as 1.2: off and dates stay strings', async () => {
  const c = cfg(`rules:\n  ${TOKEN}: off\nignore:\n  - file: a.json\n    rule: parse/syntax\n    reason: x\n    expires: 2030-01-31\n`);
  assert.is(c.rules[TOKEN], 'off');
  assert.is(c.ignore[0].expires, '2030-01-31');
});

test('rules: level per rule, per domain, exact wins, [level, {}]', async () => {
  const c = cfg(`rules:\n  k8s/*: warning\n  ${TOKEN}: note\n  parse/syntax: [off]\n  suppress/unused: [error, {}]\n`);
  const levels = resolveLevels(RULES, c);
  assert.is(levels[TOKEN], 'note');
  assert.is(levels['parse/syntax'], 'off');
  assert.is(levels['suppress/unused'], 'error');
  for (const r of RULES) if (r.meta.id.startsWith('k8s/') && r.meta.id !== TOKEN) assert.is(levels[r.meta.id], 'warning', r.meta.id);
  for (const r of RULES) if (r.meta.id.startsWith('irsa/')) assert.is(levels[r.meta.id], r.meta.severity, 'untouched rules keep their default');
});

test('rules: levels reach await lint() (off disables, a level changes the severity)', async () => {
  const dir = tmpRepo({ 'd.yaml': deployment('app', 300) });
  try {
    const base = (await lint(['.'], { cwd: dir })).findings.filter((f) => f.ruleId === TOKEN);
    assert.is(base.length, 1);
    assert.is(base[0].severity, 'error');
    const warned = (await lint(['.'], { cwd: dir, config: cfg(`rules:\n  ${TOKEN}: warning\n`) })).findings.filter((f) => f.ruleId === TOKEN);
    assert.is(warned[0].severity, 'warning');
    const off = (await lint(['.'], { cwd: dir, config: cfg(`rules:\n  k8s/*: off\n`) })).findings.filter((f) => f.ruleId === TOKEN);
    assert.is(off.length, 0);
    // LintOptions.rules wins over the configuration.
    const api = (await lint(['.'], { cwd: dir, config: cfg(`rules:\n  ${TOKEN}: off\n`), rules: { [TOKEN]: 'note' } })).findings.filter((f) => f.ruleId === TOKEN);
    assert.is(api[0].severity, 'note');
  } finally {
    rmRepo(dir);
  }
});

test('extends: recommended keeps defaults; strict raises notes to warnings and fails on warnings', async () => {
  const rec = resolveLevels(RULES, cfg('extends: recommended\n'));
  for (const r of RULES) assert.is(rec[r.meta.id], r.meta.severity);
  assert.is(configFailOn(cfg('extends: recommended\n')), undefined);
  const strict = cfg('extends: strict\n');
  const lv = resolveLevels(RULES, strict);
  for (const r of RULES) assert.is(lv[r.meta.id], r.meta.severity === 'note' ? 'warning' : r.meta.severity, r.meta.id);
  assert.is(configFailOn(strict), 'warning');
  assert.is(configFailOn(cfg('extends: strict\nfailOn: error\n')), 'error', 'an explicit failOn wins over the preset');
  assert.is(resolveLevels(RULES, cfg('extends: strict\nrules:\n  suppress/unused: note\n'))['suppress/unused'], 'note', 'explicit rules win over the preset');
});

test('failOn and maxWarnings are read', async () => {
  const c = cfg('failOn: note\nmaxWarnings: 3\n');
  assert.is(c.failOn, 'note');
  assert.is(c.maxWarnings, 3);
  assert.is(configFailOn(c), 'note');
  assert.is(cfg('maxWarnings: -1\n').maxWarnings, -1);
});

test('include and exclude select the files that are read; the configuration file is never read', async () => {
  const dir = tmpRepo({
    'deploy/a.yaml': deployment('a', 300),
    'deploy/legacy/b.yaml': deployment('b', 300),
    'charts/c.yaml': deployment('c', 300),
    'other/d.yml': deployment('d', 300),
    '.irsa-lint.yaml': 'include:\n  - deploy/**\n  - "*.yml"\nexclude:\n  - legacy\n',
  });
  try {
    const r = await lint(['.'], { cwd: dir, configFile: '.irsa-lint.yaml' });
    assert.equal(r.files.map((f) => f.path), ['deploy/a.yaml', 'other/d.yml']);
    // Globs are relative to the configuration's directory, not to the working directory.
    const sub = await lint(['.'], { cwd: path.join(dir, 'deploy'), config: loadConfigFile(path.join(dir, '.irsa-lint.yaml'), path.join(dir, 'deploy'), RULES) });
    assert.equal(sub.files.map((f) => f.path), ['a.yaml']);
  } finally {
    rmRepo(dir);
  }
});

test('facts: reach the rules and the loader, and LintOptions.facts wins', async () => {
  // The same case as the fixture that passes the annotation prefix through options.json.
  const dir = path.join(ROOT, 'fixtures/irsa/role-trusts-service-account/invalid-custom-annotation-prefix');
  const opts = JSON.parse(fs.readFileSync(path.join(dir, 'options.json'), 'utf8')) as { facts: { annotationPrefix: string } };
  const viaOptions = (await lint(['.'], { cwd: dir, facts: opts.facts })).findings.map((f) => `${f.ruleId} ${f.message}`);
  const viaConfig = (await lint(['.'], { cwd: dir, config: cfg(`facts:\n  annotationPrefix: ${opts.facts.annotationPrefix}\n`) })).findings.map((f) => `${f.ruleId} ${f.message}`);
  const without = (await lint(['.'], { cwd: dir })).findings.map((f) => `${f.ruleId} ${f.message}`);
  assert.equal(viaConfig, viaOptions);
  assert.not.equal(viaConfig, without, 'the fact changes the result');

  const repo = tmpRepo({ 'd.yaml': deployment('app', 300) });
  try {
    const ns = async (facts?: object, text = '') => (await lint(['.'], { cwd: repo, config: cfg(text), ...(facts ? { facts } : {}) })).findings.find((f) => f.ruleId === TOKEN)?.subject;
    assert.is(await ns(), 'k8s:Deployment/default/app');
    assert.is(await ns(undefined, 'facts:\n  defaultNamespace: team-x\n'), 'k8s:Deployment/team-x/app');
    assert.is(await ns({ defaultNamespace: 'team-y' }, 'facts:\n  defaultNamespace: team-x\n'), 'k8s:Deployment/team-y/app');
  } finally {
    rmRepo(repo);
  }
});

test('facts: every key of the Facts interface is accepted', async () => {
  const c = cfg(
    [
      'facts:',
      '  defaultNamespace: team-a',
      '  ccoctlPrefix: mycluster',
      '  annotationPrefix: irsa.example.com',
      '  tokenAudience: sts.amazonaws.com',
      '  defaultRegion: eu-west-1',
      '  serviceAccountIssuer: https://oidc.example.com/cluster',
      '  oidcProviders:',
      '    - arn: arn:aws:iam::123456789012:oidc-provider/oidc.example.com/cluster',
      '      issuer: https://oidc.example.com/cluster',
      '      clientIds: [sts.amazonaws.com, openshift]',
      '  accounts: ["012345678901"]',
      '',
    ].join('\n'),
  );
  assert.equal(c.facts, {
    defaultNamespace: 'team-a',
    ccoctlPrefix: 'mycluster',
    annotationPrefix: 'irsa.example.com',
    tokenAudience: 'sts.amazonaws.com',
    defaultRegion: 'eu-west-1',
    serviceAccountIssuer: 'https://oidc.example.com/cluster',
    oidcProviders: [{ arn: 'arn:aws:iam::123456789012:oidc-provider/oidc.example.com/cluster', issuer: 'https://oidc.example.com/cluster', clientIds: ['sts.amazonaws.com', 'openshift'] }],
    accounts: ['012345678901'],
  });
});

test('ignore: entries are read with their positions', async () => {
  const c = cfg('ignore:\n  - file: iam/*.json\n    rule: parse/syntax\n    pointer: /Statement/0/Condition~1x\n    sid: A\n    reason: " why "\n    expires: 2030-01-01\n  - resource: ServiceAccount/a/b\n    rule: irsa/*\n');
  assert.is(c.ignore.length, 2);
  const [a, b] = c.ignore;
  assert.equal(a.pointer, ['Statement', '0', 'Condition/x']);
  assert.is(a.sid, 'A');
  assert.is(a.reason, 'why');
  assert.equal([a.span.line, a.span.column, a.ruleSpan.line, a.ruleSpan.column, a.expiresSpan?.line, a.expiresSpan?.column], [2, 5, 3, 11, 7, 14]);
  assert.is(b.resource, 'ServiceAccount/a/b');
  assert.is(b.reason, '');
});

test('a JSON configuration works the same', async () => {
  const c = cfg(`{\n  "extends": "strict",\n  "rules": { "${TOKEN}": "off" },\n  "ignore": [{ "file": "a.json", "rule": "parse/syntax", "reason": "x" }]\n}\n`, '.irsa-lint.json');
  assert.is(c.extends, 'strict');
  assert.is(c.rules[TOKEN], 'off');
  assert.is(c.ignore[0].ruleSpan.line, 4);
});

test('discovery: the current directory, then parents up to the git top level', async () => {
  const dir = tmpRepo({ '.irsa-lint.yaml': 'failOn: note\n', 'a/b/x.yaml': '' }, { git: true });
  try {
    assert.is(findConfigFile(dir), path.join(dir, '.irsa-lint.yaml'));
    assert.is(findConfigFile(path.join(dir, 'a/b')), path.join(dir, '.irsa-lint.yaml'));
    fs.writeFileSync(path.join(dir, 'a/.irsa-lint.json'), '{}');
    assert.is(findConfigFile(path.join(dir, 'a/b')), path.join(dir, 'a/.irsa-lint.json'), 'the nearest file wins');
  } finally {
    rmRepo(dir);
  }
});

test('discovery: not above the git top level; outside git only the current directory', async () => {
  const dir = tmpRepo({ '.irsa-lint.yaml': 'failOn: note\n', 'repo/sub/x.yaml': '' });
  try {
    fs.mkdirSync(path.join(dir, 'repo/.git'));
    assert.is(findConfigFile(path.join(dir, 'repo/sub')), undefined, 'a file above the repository is not used');
    fs.rmSync(path.join(dir, 'repo/.git'), { recursive: true });
    assert.is(findConfigFile(path.join(dir, 'repo/sub')), undefined, 'outside git only the current directory counts');
    assert.is(findConfigFile(dir), path.join(dir, '.irsa-lint.yaml'));
    fs.writeFileSync(path.join(dir, 'repo/sub/.irsa-lint.yml'), '');
    assert.is(findConfigFile(path.join(dir, 'repo/sub')), path.join(dir, 'repo/sub/.irsa-lint.yml'));
  } finally {
    rmRepo(dir);
  }
});

test('discovery: two files in one directory are an error', async () => {
  const dir = tmpRepo({ '.irsa-lint.yaml': '', '.irsa-lint.json': '{}' }, { git: true });
  try {
    assert.throws(() => findConfigFile(dir), (e: unknown) => e instanceof ConfigError && /more than one configuration file/.test(e.message));
  } finally {
    rmRepo(dir);
  }
});

test('LintOptions.configFile loads a file; a bad one throws ConfigError', async () => {
  const dir = tmpRepo({ 'd.yaml': deployment('app', 300), 'ok.yaml': `rules:\n  ${TOKEN}: off\n`, 'bad.yaml': 'rulez: {}\n' });
  try {
    assert.is((await lint(['d.yaml'], { cwd: dir, configFile: 'ok.yaml' })).findings.length, 0);
    const error = await lint(['d.yaml'], { cwd: dir, configFile: 'bad.yaml' }).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof ConfigError && error.message === 'bad.yaml:1:1: unknown key "rulez" (did you mean "rules"?)', String(error));
  } finally {
    rmRepo(dir);
  }
});

test.run();
