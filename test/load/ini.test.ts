import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseIni, profileName, type IniEntry } from '../../src/load/ini.js';

const CCOCTL = `[default]
sts_regional_endpoints = regional
role_arn = arn:aws:iam::123456789012:role/x
web_identity_token_file = /var/run/secrets/openshift/serviceaccount/token
`;

/** Every position must slice the text back to the key and value. */
function checkSlices(text: string, entries: IniEntry[]): void {
  const lines = text.split('\n');
  for (const e of entries) {
    assert.is(lines[e.line].slice(e.keyStart, e.keyEnd), e.key);
    assert.is(lines[e.line].slice(e.valueStart, e.valueEnd), e.value);
  }
}

test('the ccoctl credentials file, with exact columns', () => {
  const { sections, problems } = parseIni(CCOCTL);
  assert.equal(problems, []);
  assert.is(sections.length, 1);
  assert.is(sections[0].name, 'default');
  assert.is(sections[0].line, 0);
  assert.equal(sections[0].entries, [
    { key: 'sts_regional_endpoints', value: 'regional', line: 1, keyStart: 0, keyEnd: 22, valueStart: 25, valueEnd: 33 },
    { key: 'role_arn', value: 'arn:aws:iam::123456789012:role/x', line: 2, keyStart: 0, keyEnd: 8, valueStart: 11, valueEnd: 43 },
    { key: 'web_identity_token_file', value: '/var/run/secrets/openshift/serviceaccount/token', line: 3, keyStart: 0, keyEnd: 23, valueStart: 26, valueEnd: 73 },
  ]);
  checkSlices(CCOCTL, sections[0].entries);
});

test('comments, blank lines, spacing, CRLF and the colon delimiter', () => {
  const text = '# top comment\r\n; another\r\n[profile x]\r\n  # indented comment\r\n\r\n  region=us-east-1  \r\nrole_arn:arn:aws:iam::1:role/r\r\nkey = a # not a comment\r\n';
  const { sections, problems } = parseIni(text);
  assert.equal(problems, []);
  assert.is(sections[0].name, 'profile x');
  assert.is(sections[0].line, 2);
  const [region, arn, key] = sections[0].entries;
  assert.equal(region, { key: 'region', value: 'us-east-1', line: 5, keyStart: 2, keyEnd: 8, valueStart: 9, valueEnd: 18 });
  assert.equal([arn.key, arn.value, arn.valueStart], ['role_arn', 'arn:aws:iam::1:role/r', 9]);
  assert.is(key.value, 'a # not a comment');
  checkSlices(text, sections[0].entries);
});

test('empty values are kept', () => {
  const { sections, problems } = parseIni('[default]\nregion =\nrole_arn =   \n');
  assert.equal(problems, []);
  assert.equal(sections[0].entries, [
    { key: 'region', value: '', line: 1, keyStart: 0, keyEnd: 6, valueStart: 8, valueEnd: 8 },
    { key: 'role_arn', value: '', line: 2, keyStart: 0, keyEnd: 8, valueStart: 10, valueEnd: 10 },
  ]);
});

test('text before any section is a problem', () => {
  const { sections, problems } = parseIni('role_arn = x\n\n[default]\nregion = eu-west-1\n');
  assert.equal(problems, [{ line: 0, message: 'text before the first [section] header' }]);
  assert.is(sections.length, 1);
  assert.equal(sections[0].entries.map((e) => e.key), ['region']);
});

test('several sections; keys keep their case; section names are trimmed', () => {
  const text = '[default]\nRegion = a\n\n[ profile dev ]\nrole_arn = b\n[prod]\nrole_arn = c\n';
  const { sections, problems } = parseIni(text);
  assert.equal(problems, []);
  assert.equal(sections.map((s) => [s.name, s.line, s.entries.map((e) => `${e.key}=${e.value}`)]), [
    ['default', 0, ['Region=a']],
    ['profile dev', 3, ['role_arn=b']],
    ['prod', 5, ['role_arn=c']],
  ]);
});

test('indented continuation lines (nested sub-sections) are skipped', () => {
  const text = '[default]\ns3 =\n  max_concurrent_requests = 10\n  multipart_threshold = 64MB\n\n    deeper = 1\nregion = us-west-2\n';
  const { sections, problems } = parseIni(text);
  assert.equal(problems, []);
  assert.equal(sections[0].entries.map((e) => [e.key, e.value, e.line]), [
    ['s3', '', 1],
    ['region', 'us-west-2', 6],
  ]);
  // An indented first entry is an entry, not a continuation.
  assert.equal(parseIni('[a]\n  k = v\n  j = w\n').sections[0].entries.map((e) => e.key), ['k', 'j']);
});

test('malformed lines, headers and duplicates are problems', () => {
  const text = '[default\nk = v\n[]\n[ok]\njust words\n= v\nk = 1\nk = 2\n[ok]\n';
  const { sections, problems } = parseIni(text);
  assert.equal(problems, [
    { line: 0, message: "section header is missing ']'" },
    { line: 1, message: 'text before the first [section] header' },
    { line: 2, message: 'empty section name' },
    { line: 4, message: "expected 'key = value', got 'just words'" },
    { line: 5, message: "missing key before '='" },
    { line: 7, message: "duplicate key 'k' in section [ok]" },
    { line: 8, message: 'duplicate section [ok]' },
  ]);
  assert.equal(sections.map((s) => [s.name, s.entries.map((e) => e.value)]), [
    ['ok', ['1', '2']],
    ['ok', []],
  ]);
});

test('empty and comment-only text', () => {
  assert.equal(parseIni(''), { sections: [], problems: [] });
  assert.equal(parseIni('# nothing\n\n'), { sections: [], problems: [] });
});

test('profileName', () => {
  assert.is(profileName('default'), 'default');
  assert.is(profileName('profile foo'), 'foo');
  assert.is(profileName('profile   foo'), 'foo');
  assert.is(profileName('profile "my profile"'), 'my profile');
  assert.is(profileName('profile default'), 'default');
  assert.is(profileName('foo'), 'foo');
  assert.is(profileName('profilefoo'), 'profilefoo');
  assert.is(profileName('sso-session corp'), undefined);
  assert.is(profileName('services dev'), undefined);
  assert.is(profileName(''), undefined);
});

test.run();
