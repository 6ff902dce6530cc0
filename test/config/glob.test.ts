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
});

test('matchAny and matchExact', () => {
  assert.ok(matchAny('a/b.json', ['*.yaml', 'a/*.json']));
  assert.not.ok(matchAny('a/b.json', []));
  assert.ok(matchExact('k8s:ServiceAccount/team-a/app', 'k8s:ServiceAccount/team-*/app'));
  assert.not.ok(matchExact('k8s:ServiceAccount/team-a/app', 'app'));
  assert.ok(matchExact('arn:aws:iam::123456789012:role/x', 'arn:aws:iam::*:role/x'));
});

test.run();
