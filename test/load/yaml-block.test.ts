/**
 * The direct reader of plain block YAML (src/load/yaml-block.ts) gives the tree that the `yaml`
 * path gives, value for value and span for span, or leaves the document to `yaml`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LineCounter } from 'yaml';
import type { PMap, PNode } from '../../src/model/pnode.js';
import { readBlockYaml } from '../../src/load/yaml-block.js';
import { Converter, parseYaml } from '../../src/load/yaml.js';
import { ROOT } from '../helpers.js';

/** The direct reader's tree of one document (undefined: left to yaml). */
function direct(text: string): PNode | undefined {
  const lines = new LineCounter();
  return readBlockYaml(text, new Converter(text, 'x.yaml', lines, 0), lines.lineStarts);
}

/** Both readers' results for a stream, as JSON. */
function both(text: string, file = 'x.yaml'): [string, string] {
  return [JSON.stringify(parseYaml(text, file, undefined, { blockReader: false })), JSON.stringify(parseYaml(text, file))];
}

function agree(text: string, label = text): void {
  const [slow, fast] = both(text);
  assert.is(fast, slow, label);
}

const DEPLOYMENT = `# Source: app/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web   # the app
  namespace: "shop"
  labels: {app: web, tier: 'front', "quoted key": x}
  annotations:
    note: >-
      folded text
      on two lines

      and a paragraph
spec:
  replicas: 3
  template:
    spec:
      serviceAccountName: web
      containers:
      - name: app
        image: registry.example.com/web:1.2
        args: ["--port", 8080, --verbose]
        env:
          # the region, for the SDK
          - name: AWS_REGION
            value: eu-west-1
          - name: EMPTY
            value:
        command:
          - sh
          - -c
          - |
            echo "a: b" # not a comment
            exec app

        resources: {}
        # a comment after the last entry: the container's range ends at what follows
      volumes: []
`;

test('a typical manifest is read directly and gives the tree yaml gives', () => {
  const node = direct(DEPLOYMENT);
  assert.ok(node, 'read directly');
  agree(DEPLOYMENT);
  // And a few values, as the rules see them.
  const spec = (node as PMap).entries.find((e) => e.key.value === 'spec')!.value as PMap;
  assert.is(spec.entries[0].value.type === 'scalar' && spec.entries[0].value.value, 3);
  assert.equal(spec.span, { file: 'x.yaml', line: 15, column: 3, endLine: 38, endColumn: 18 });
  // The comment after the container's last entry is kept by the container: the list of
  // containers ends where \`volumes\` starts, as with yaml.
  const podSpec = ((spec.entries[1].value as PMap).entries[0].value as PMap).entries;
  assert.equal(podSpec[1].value.span, { file: 'x.yaml', line: 20, column: 7, endLine: 38, endColumn: 7 });
});

test('plain scalars resolve with YAML 1.1 tags, as yaml resolves them', () => {
  const text = 'a: on\nb: 0755\nc: 1:30\nd: 2001-12-14\ne: ~\nf: "on"\ny: 1\ng: 0x1F\nh: 1e3\ni: .inf\nj: no\nk: 12abc\nl:\n';
  const node = direct(text) as PMap;
  assert.ok(node, 'read directly');
  const values = node.entries.map((e) => [e.key.value, e.value.type === 'scalar' ? e.value.value : undefined]);
  assert.equal(values, [
    ['a', true],
    ['b', 493],
    ['c', 90],
    ['d', new Date('2001-12-14').toString()],
    ['e', null],
    ['f', 'on'],
    [true, 1],
    ['g', 31],
    ['h', 1000],
    ['i', Infinity],
    ['j', false],
    ['k', '12abc'],
    ['l', null],
  ]);
  agree(text);
});

test('CloudFormation short-form tags are kept on the node, as yaml keeps them', () => {
  const text = `Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Sub "\${AWS::StackName}-app"
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal:
              Federated: !Ref OidcProviderArn
            Condition: !If
              - HasSub
              - StringEquals: {a: b}
              - !Ref AWS::NoValue
            Action: !Join [':', [sts, AssumeRoleWithWebIdentity]]
            Sid: !Ref 123
      Description: !Sub |
        Role for \${AWS::StackName}
`;
  const node = direct(text);
  assert.ok(node, 'read directly');
  agree(text);
  const at = (n: PNode, ...keys: string[]): PNode => keys.reduce((m, k) => (m as PMap).entries.find((e) => e.key.value === k)!.value, n);
  const statement = (at(node, 'Resources', 'Role', 'Properties', 'AssumeRolePolicyDocument', 'Statement') as { items: readonly PNode[] }).items[0];
  const federated = at(statement, 'Principal', 'Federated');
  assert.equal([federated.type, federated.type === 'scalar' && federated.value, federated.tag, federated.span.column], ['scalar', 'OidcProviderArn', '!Ref', 31]);
  const sid = at(statement, 'Sid');
  assert.equal([sid.type === 'scalar' && sid.value, sid.tag], ['123', '!Ref'], 'a tagged plain scalar is a string');
  assert.equal([at(statement, 'Condition').type, at(statement, 'Condition').tag], ['seq', '!If']);
});

test('comment lines after the last entry extend the range of the collection that yaml gives them to', () => {
  for (const text of [
    'a:\n  b: 1\n  # x\n',
    'a:\n  b:\n    c: 1\n  # x\n',
    'a:\n  b: 1\n# x\nc: 2\n',
    'k:\n- a\n- b: 1\n  # x\n# y\n',
    'a:\n  - b: 1\n    # x\n  # y\nc: 1\n',
    'a:\n  b: |\n    x\n  # x\n',
    'a:\n  b: {x: 1}\n  # x\n',
  ]) {
    assert.ok(direct(text), `read directly: ${JSON.stringify(text)}`);
    agree(text);
  }
});

test('what the reader leaves to yaml', () => {
  for (const text of [
    'a: &x 1\nb: *x\n', // anchors and aliases
    'a: !!str 1\n', // standard and verbatim tags, and a tag without a value
    'a: !<tag:example.com,2000:x> 1\n',
    'a: !Ref\nb: 1\n',
    'a: !Ref &x 1\n',
    '%YAML 1.1\n---\na: 1\n', // directives
    '? a\n: 1\n', // explicit keys
    'a: one\n  two\n', // multi-line plain scalar
    'a: "one\n  two"\n', // multi-line quoted scalar
    'a: "one\\ntwo"\n', // escapes
    'a: [1,\n  2]\n', // multi-line flow collection
    'a:\tb\n', // tabs
    'a: 1\r\nb: 2\r\n', // carriage returns
    '\uFEFFa: 1\n', // byte order mark
    'a: {{ .Values.a }}\n', // template actions
    'a: 1\na: 2\n', // duplicate keys (yaml reports them)
    'a: {x: 1, x: 2}\n',
    '<<: {a: 1}\nb: 2\n', // merge keys
    'a: |2\n   x\n', // explicit indentation
    'a: |+\n  x\n\n', // keep chomping
    'a: x\n   # more indented than the map\nb: 1\n', // lands in the scalar's range
    'a:   # comment\nb: 1\n', // an empty value with a comment
    'a: 1\n...\n', // document end marker
    '# only a comment\n', // an empty document
    'a: b: c\n', // a nested mapping on one line (yaml's error)
    '- a\nb: 1\n', // a map after a root sequence (yaml's error)
    'a:\n    b: 1\n  c: 2\n', // bad indentation
    'a: [1, 2, ]\n', // a trailing comma
    'a: "x" y\n', // text after a quoted scalar
  ]) {
    assert.is(direct(text), undefined, JSON.stringify(text));
    agree(text);
  }
});

test('hostile nesting is left to yaml and its limits, in bounded time', () => {
  const deep = Array.from({ length: 5000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' 1\n';
  assert.is(direct(deep), undefined);
  const r = parseYaml(deep, 'deep.yaml');
  assert.ok(r.problems.length > 0 || r.docs.length === 1);
});

test('documents longer than the line tables (1,024 lines, and past the 65,536 that are shared) read as with yaml', () => {
  for (const n of [1023, 1024, 1025, 70_000]) {
    const text = `root:\n${Array.from({ length: n }, (_, i) => `  k${i}: v${i}`).join('\n')}\n`;
    assert.ok(direct(text), `${n} lines read directly`);
    agree(text, `${n} lines`);
  }
});

/** Every YAML file under `dir` (sorted). */
function yamlFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true })
    .map((f) => path.join(dir, String(f)))
    .filter((p) => /\.ya?ml$/.test(p) && fs.statSync(p).isFile())
    .sort();
}

/** Deterministic edits of a document's lines: comments and blank lines inserted, indentation shifted, characters inserted, lines dropped, repeated or swapped. */
function mutations(text: string, n: number, seed: number): string[] {
  let s = seed;
  const rnd = (k: number): number => ((s = (s * 1103515245 + 12345) % 2 ** 31), s % k);
  const out = [text.replace(/\n$/, ''), `${text}\n\n`, `${text}# end\n`];
  const lines = text.split('\n');
  for (let m = 0; m < n; m++) {
    const l = [...lines];
    const i = rnd(l.length + 1);
    const has = i < l.length;
    switch (rnd(11)) {
      case 0:
        l.splice(i, 0, `${' '.repeat(rnd(12))}# c${m}`);
        break;
      case 1:
        l.splice(i, 0, '');
        break;
      case 2:
        l.splice(i, 0, ' '.repeat(1 + rnd(6)));
        break;
      case 3:
        if (has) l[i] += ' '.repeat(1 + rnd(3));
        break;
      case 4:
        if (has) l[i] += ' # t';
        break;
      case 5:
        if (has) l.splice(i, 1);
        break;
      case 6:
        if (has) l[i] = rnd(2) ? ' '.repeat(1 + rnd(2)) + l[i] : l[i].replace(/^ {1,2}/, '');
        break;
      case 7:
        if (has) {
          const p = rnd(l[i].length + 1);
          l[i] = l[i].slice(0, p) + ':-#"\'{}[], |>&*!?%@\\~'[rnd(22)] + l[i].slice(p);
        }
        break;
      case 8:
        if (has) l.splice(i, 0, l[i]);
        break;
      case 9:
        if (i + 1 < l.length) [l[i], l[i + 1]] = [l[i + 1], l[i]];
        break;
      default:
        l.splice(i, 0, `${' '.repeat(rnd(10))}# a`, `${' '.repeat(rnd(10))}# b`);
    }
    out.push(l.join('\n'));
  }
  return out;
}

test('both readers agree on every fixture, example and corpus file, and on edits of them', () => {
  const files = [...yamlFiles(path.join(ROOT, 'fixtures')), ...yamlFiles(path.join(ROOT, 'examples')), ...yamlFiles(path.join(ROOT, '..', 'shared', 'corpus'))];
  assert.ok(files.length > 400, `${files.length} files`);
  let documents = 0;
  let directly = 0;
  files.forEach((file, k) => {
    const text = fs.readFileSync(file, 'utf8');
    for (const variant of [text, ...mutations(text, 8, k + 1)]) {
      const [slow, fast] = both(variant, file);
      if (fast !== slow) assert.fixture(fast, slow);
    }
    for (const chunk of text.split(/^(?=---(?:[ \n]|$))/m)) {
      documents++;
      if (direct(chunk)) directly++;
    }
  });
  // The reader must be doing the work, not giving everything back.
  assert.ok(directly / documents > 0.5, `${directly} of ${documents} documents read directly`);
});

test.run();
