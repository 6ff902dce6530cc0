import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { matchAny, matchExact, matchGlob } from '../../src/config/glob.js';

test('a pattern without a slash matches at any depth', () => {
  assert.ok(matchGlob('a.json', '*.json'));
  assert.ok(matchGlob('iam/roles/a.json', '*.json'));
  assert.not.ok(matchGlob('a.json.bak', '*.json'));
  assert.ok(matchGlob('charts/vendor/x.yaml', 'vendor'));
});

test('a pattern with a slash is anchored to the base directory', () => {
  assert.ok(matchGlob('deploy/a.yaml', 'deploy/*.yaml'));
  assert.not.ok(matchGlob('x/deploy/a.yaml', 'deploy/*.yaml'));
  assert.not.ok(matchGlob('deploy/sub/a.yaml', 'deploy/*.yaml'));
  assert.ok(matchGlob('a.yaml', '/a.yaml'));
  assert.ok(matchGlob('a.yaml', './a.yaml'));
  assert.not.ok(matchGlob('sub/a.yaml', '/a.yaml'));
});

test('** matches any number of segments, including none', () => {
  assert.ok(matchGlob('deploy/a.yaml', 'deploy/**/*.yaml'));
  assert.ok(matchGlob('deploy/x/y/a.yaml', 'deploy/**/*.yaml'));
  assert.ok(matchGlob('a/b/c', '**'));
  assert.ok(matchGlob('iam/a.json', '**/*.json'));
  assert.ok(matchGlob('deploy/x/y', 'deploy/**'));
});

test('a directory matches everything below it', () => {
  assert.ok(matchGlob('charts/app/templates/sa.yaml', 'charts/'));
  assert.ok(matchGlob('charts/app/templates/sa.yaml', 'charts/*/templates'));
  assert.not.ok(matchGlob('chartsx/a.yaml', 'charts'));
});

test('character classes, ? and alternatives', () => {
  assert.ok(matchGlob('role-1.json', 'role-[0-9].json'));
  assert.not.ok(matchGlob('role-a.json', 'role-[0-9].json'));
  assert.ok(matchGlob('role-a.json', 'role-[!0-9].json'));
  assert.ok(matchGlob('a.yml', 'a.y?l'));
  assert.ok(matchGlob('x/a.yml', '*.{yaml,yml}'));
  assert.not.ok(matchGlob('x/a.json', '*.{yaml,yml}'));
  assert.ok(matchGlob('a+b(c).yaml', 'a+b(c).yaml'), 'regex characters are literal');
  assert.ok(matchGlob('x/a+b(c).yaml', 'a+b(c).yaml'), 'parentheses are literal, at any depth too');
  assert.not.ok(matchGlob('a+bc.yaml', 'a+b(c).yaml'), 'parentheses are not a group');
  assert.not.ok(matchGlob('a', 'a|b.yaml'), '| is not an alternative');
  assert.ok(matchGlob('a|b.yaml', 'a|b.yaml'));
});

test('a backslash escapes the next character instead of becoming a separator', () => {
  assert.ok(matchGlob('a*b.yaml', 'a\\*b.yaml'), 'an escaped star is literal');
  assert.not.ok(matchGlob('axb.yaml', 'a\\*b.yaml'));
  assert.ok(matchGlob('role[1].json', 'role\\[1].json'), 'an escaped bracket is literal');
  assert.not.ok(matchGlob('role1.json', 'role\\[1].json'));
  assert.not.ok(matchGlob('deploy/a.yaml', 'deploy\\a.yaml'), 'no backslash stands for /');
});

test('braces may contain / and may nest', () => {
  assert.ok(matchGlob('iam/roles/a.json', '{deploy,iam/roles}/*.json'));
  assert.ok(matchGlob('deploy/a.json', '{deploy,iam/roles}/*.json'));
  assert.not.ok(matchGlob('iam/a.json', '{deploy,iam/roles}/*.json'));
  assert.not.ok(matchGlob('x/iam/roles/a.json', '{deploy,iam/roles}/*.json'), 'a / inside braces anchors the pattern too');
  assert.ok(matchGlob('a.yml', '*.{y{a,}ml,json}'));
  assert.ok(matchGlob('a.yaml', '*.{y{a,}ml,json}'));
  assert.ok(matchGlob('a.json', '*.{y{a,}ml,json}'));
  assert.not.ok(matchGlob('a.ym', '*.{y{a,}ml,json}'));
  assert.not.ok(matchGlob('a.yam', '*.{y{a,}ml,json}'));
});

test('POSIX classes, dot files, and a leading ! that is literal', () => {
  assert.ok(matchGlob('role-a.json', 'role-[[:alpha:]].json'));
  assert.not.ok(matchGlob('role-1.json', 'role-[[:alpha:]].json'));
  assert.ok(matchGlob('role-a.json', 'role-[^0-9].json'));
  assert.ok(matchGlob('k8s/.hidden.yaml', '*.yaml'), 'dot files match');
  assert.ok(matchGlob('.github/workflows/a.yml', '.github'), 'dot directories match');
  assert.ok(matchGlob('!a.yaml', '!a.yaml'));
  assert.not.ok(matchGlob('b.yaml', '!a.yaml'), 'not a negation');
  assert.not.ok(matchGlob('a.yaml', ''), 'an empty pattern matches nothing');
  assert.not.ok(matchGlob('a.yaml', '/'), 'a lone / matches nothing');
});

test('matchAny and matchExact', () => {
  assert.ok(matchAny('a/b.json', ['*.yaml', 'a/*.json']));
  assert.not.ok(matchAny('a/b.json', []));
  assert.ok(matchExact('k8s:ServiceAccount/team-a/app', 'k8s:ServiceAccount/team-*/app'));
  assert.not.ok(matchExact('k8s:ServiceAccount/team-a/app', 'app'));
  assert.ok(matchExact('arn:aws:iam::123456789012:role/x', 'arn:aws:iam::*:role/x'));
  assert.not.ok(matchExact('arn:aws:iam::123456789012:role/x2', 'arn:aws:iam::*:role/x'), 'the whole value must match');
});

test('in resource patterns * and ? match / as IAM ARN wildcards do', () => {
  // A role with a path: before, "role/*" silently matched nothing here.
  assert.ok(matchExact('arn:aws:iam::123456789012:role/team-a/app', 'arn:aws:iam::123456789012:role/*'));
  assert.ok(matchExact('arn:aws:iam::123456789012:role/team-a/app', 'arn:aws:iam::*:role/*/app'));
  assert.ok(matchExact('arn:aws:iam::123456789012:role/team-a/app', 'arn:aws:iam::123456789012:role/team-a?app'));
  assert.ok(matchExact('k8s:ServiceAccount/team-a/app', 'k8s:ServiceAccount/*'));
  assert.ok(matchExact('k8s:ServiceAccount/team-a/app', 'k8s:ServiceAccount/team-*'), 'namespace and name');
  assert.not.ok(matchExact('k8s:ServiceAccount/team-a/app', 'k8s:Deployment/*'));
  assert.ok(matchExact('k8s:ServiceAccount/team-a/app', 'k8s:ServiceAccount/{team-a,team-b}/app'));
  assert.ok(matchExact('arn:aws:iam::123456789012:role/a*b', 'arn:aws:iam::123456789012:role/a\\*b'), 'escapes work');
  assert.not.ok(matchExact('arn:aws:iam::123456789012:role/axb', 'arn:aws:iam::123456789012:role/a\\*b'));
});

test.run();
