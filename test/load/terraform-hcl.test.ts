/** Terraform configurations read from HCL and JSON syntax: roles, providers, ServiceAccounts, references, modules. */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { initHcl } from '../../src/load/hcl/parse.js';
import { loadSources, needsHclParser, type LoadResult } from '../../src/load/loader.js';
import { policyDocument, TERRAFORM_NAMES } from '../../src/load/policy-document.js';
import type { OidcProvider, Role } from '../../src/model/iam.js';
import { Index } from '../../src/model/index.js';
import type { ServiceAccount } from '../../src/model/k8s.js';
import { toJS, type PNode } from '../../src/model/pnode.js';
import type { Located, Span } from '../../src/model/span.js';
import { roleAdmits } from '../../src/model/trust.js';
import { runRules } from '../../src/engine/engine.js';
import { RULES } from '../../rules/index.js';
import { FIXTURES } from '../helpers.js';
import { posSpan } from '../../src/model/posmap.js';

await initHcl();

type Pos = [line: number, column: number, endLine: number, endColumn: number];
const pos = (s: Span): Pos => [s.line, s.column, s.endLine, s.endColumn];

function load(files: Record<string, string>): LoadResult & { text: (s: Span | Located<unknown>) => string } {
  const r = loadSources(Object.entries(files).map(([p, text]) => ({ path: p, text })));
  const text = (x: Span | Located<unknown>): string => {
    const s = 'span' in x ? x.span : x;
    const lines = files[s.file].split('\n');
    if (s.line === s.endLine) return lines[s.line - 1].slice(s.column - 1, s.endColumn - 1);
    return [lines[s.line - 1].slice(s.column - 1), ...lines.slice(s.line, s.endLine - 1), lines[s.endLine - 1].slice(0, s.endColumn - 1)].join('\n');
  };
  return Object.assign(r, { text });
}
const roles = (r: LoadResult) => r.resources.filter((x): x is Role => x.kind === 'iam:Role');
const sas = (r: LoadResult) => r.resources.filter((x): x is ServiceAccount => x.kind === 'k8s:ServiceAccount');
const role = (r: LoadResult, label: string) => {
  const x = roles(r).find((y) => y.label === label);
  if (!x) throw new Error(`no ${label} in ${roles(r).map((y) => y.label).join(', ')}`);
  return x;
};
const conditions = (x: Role, claim: string) => x.trust!.statements.flatMap((s) => s.conditions.filter((c) => c.claim === claim));

const ARN = 'arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
const HOST = 'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';

const VARIABLES = `variable "oidc_provider_arn" {
  type    = string
  default = "${ARN}"
}

variable "namespace" {
  default = "team-a"
}
`;

const MAIN = `locals {
  issuer = replace(var.oidc_provider_arn, "/^(.*provider/)/", "")
}

data "aws_iam_policy_document" "app" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [var.oidc_provider_arn]
    }
    condition {
      test     = "StringEquals"
      variable = "\${local.issuer}:sub"
      values   = ["system:serviceaccount:\${var.namespace}:app"]
    }
    condition {
      test     = "StringEquals"
      variable = "\${local.issuer}:aud"
      values   = ["sts.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "app" {
  name               = "team-a-app"
  path               = "/irsa/"
  assume_role_policy = data.aws_iam_policy_document.app.json
}

resource "kubernetes_service_account" "app" {
  metadata {
    name      = "app"
    namespace = var.namespace
    annotations = {
      "eks.amazonaws.com/role-arn" = aws_iam_role.app.arn
    }
  }
}
`;

test('a policy document data source, a role that uses it, a ServiceAccount annotated with the role: positions on every value', () => {
  const r = load({ 'variables.tf': VARIABLES, 'main.tf': MAIN });
  assert.equal(r.problems, []);
  const app = role(r, 'role team-a-app');
  assert.is(app.source, 'terraform');
  assert.is(app.path?.value, '/irsa/');
  assert.is(roles(r).length, 1, 'the data source is the role\'s policy, not a trust policy of its own');
  const s = app.trust!.statements[0];
  assert.is(s.effect?.value, 'Allow');
  assert.is(r.text(s.federated[0]), `"${ARN}"`, 'the provider ARN is the variable default');
  assert.equal(pos(s.federated[0].span), [3, 13, 3, 123]);
  const [sub] = conditions(app, 'sub');
  assert.is(sub.key.value, `${HOST}:sub`);
  assert.ok(!sub.key.unknown);
  assert.is(r.text(sub.key), '"${local.issuer}:sub"');
  assert.is(r.text(sub.operator), '"StringEquals"');
  assert.is(sub.values[0].value, 'system:serviceaccount:team-a:app');
  assert.is(r.text(sub.values[0]), '"system:serviceaccount:${var.namespace}:app"');
  // "team-a" comes from the default in variables.tf: a string's positions are in its own file, at the interpolation.
  const part = posSpan(sub.values[0].inner!, 22, 28);
  assert.is(part.file, 'main.tf');
  assert.is(r.text(part), '${var.namespace}');
  assert.is(r.text(posSpan(sub.values[0].inner!, 0, 22)), 'system:serviceaccount:');
  assert.is(roleAdmits(app, { sub: 'system:serviceaccount:team-a:app' }, ['sub']), true);

  const [sa] = sas(r);
  assert.is(sa.key, 'k8s:ServiceAccount/team-a/app');
  assert.is(sa.file, 'main.tf');
  const ann = sa.annotations.get('eks.amazonaws.com/role-arn')!.value;
  assert.ok(ann.unknown, 'the account is not known');
  assert.is(ann.target, app.key, 'but the role is');
  assert.is(r.text(ann), 'aws_iam_role.app.arn');
  assert.equal(new Index(r.resources).rolesNamedBy(ann), [app]);
});

test('jsonencode and heredoc trust policies; an OIDC provider resource gives the host of its ARN', () => {
  const r = load({
    'main.tf': `resource "aws_iam_openid_connect_provider" "eks" {
  url            = "https://${HOST}"
  client_id_list = ["sts.amazonaws.com"]
}

resource "aws_iam_role" "encoded" {
  name = "encoded"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = aws_iam_openid_connect_provider.eks.arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = { StringEquals = { "\${replace(aws_iam_openid_connect_provider.eks.url, "https://", "")}:sub" = "system:serviceaccount:a:b" } }
    }]
  })
}

resource "aws_iam_role" "heredoc" {
  name_prefix = "h-"
  assume_role_policy = <<-EOF
    {
      "Statement": [{"Effect": "Allow", "Principal": {"Federated": "${ARN}"},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringLike": {"${HOST}:sub": "system:serviceaccount:a:*"}}}]
    }
  EOF
}
`,
  });
  assert.equal(r.problems, []);
  const p = r.resources.find((x): x is OidcProvider => x.kind === 'iam:OIDCProvider')!;
  assert.is(p.host, HOST);
  assert.equal(p.clientIds.map((c) => c.value), ['sts.amazonaws.com']);
  assert.is(r.text(p.clientIdsSpan!), '["sts.amazonaws.com"]');

  const enc = role(r, 'role encoded');
  const f = enc.trust!.statements[0].federated[0];
  assert.ok(f.unknown, 'the account of the provider is not known');
  assert.ok(f.value.endsWith(`:oidc-provider/${HOST}`), 'its issuer host is');
  assert.is(r.text(f), 'aws_iam_openid_connect_provider.eks.arn');
  const [sub] = conditions(enc, 'sub');
  assert.is(sub.key.value, `${HOST}:sub`);
  assert.equal(pos(posSpan(sub.key.inner!, 0, 4)), [2, 29, 2, 33], 'the host is the characters of the provider\'s url');
  assert.is(posSpan(sub.key.inner!, 0, 4).file, 'main.tf');
  assert.is(r.text(sub.values[0]), '"system:serviceaccount:a:b"');

  const h = roles(r).find((x) => x.key.includes('aws_iam_role.heredoc'))!;
  assert.ok(h.name?.unknown, 'name_prefix: the name is generated');
  const [like] = conditions(h, 'sub');
  assert.is(like.operator.value, 'StringLike');
  assert.is(r.text(like.values[0]), '"system:serviceaccount:a:*"');
  assert.equal(pos(like.values[0].span), [25, 114, 25, 141]);
});

test('a string is positioned in one file: a value from another file keeps its own file, or points at its interpolation', () => {
  const r = load({
    'variables.tf': 'variable "url" {\n  default = "https://oidc.example.com/id/ABC"\n}\n',
    'main.tf': 'locals {\n  host = trimprefix(var.url, "https://")\n}\nresource "aws_iam_role" "r" {\n  name = local.host\n  assume_role_policy = jsonencode({ Statement = [{ Condition = { StringEquals = { "${local.host}:sub" = "x" } } }] })\n}\n',
  });
  const x = role(r, 'role oidc.example.com/id/ABC');
  assert.is(x.name!.span.file, 'variables.tf', 'the cut value is the default\'s characters');
  assert.is(r.text(x.name!), 'oidc.example.com/id/ABC');
  const key = x.trust!.statements[0].conditions[0].key;
  assert.is(key.value, 'oidc.example.com/id/ABC:sub');
  assert.is(posSpan(key.inner!, 0, 4).file, 'main.tf');
  assert.is(r.text(posSpan(key.inner!, 0, 4)), '${local.host}');
  assert.is(r.text(posSpan(key.inner!, 23, 27)), ':sub');
});

test('an unknown provider keeps the claim: the key is an unknown prefix followed by ":sub"', () => {
  const r = load({
    'main.tf': `resource "aws_iam_role" "r" {
  name = "r"
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = module.eks.oidc_provider_arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = { StringEquals = { "\${replace(module.eks.cluster_oidc_issuer_url, "https://", "")}:sub" = "system:serviceaccount:a:b" } }
    }]
  })
}
`,
  });
  const [c] = conditions(role(r, 'role r'), 'sub');
  assert.ok(c.key.unknown);
  assert.is(c.claim, 'sub');
  assert.ok(c.keyPrefix.startsWith('${'));
  assert.is(r.text(posSpan(c.key.inner!, c.key.value.length - 4, c.key.value.length)), ':sub');
  assert.ok(!c.values[0].unknown);
});

test('variables: defaults, then terraform.tfvars and *.auto.tfvars in order; a variable another .tfvars file sets is unknown', () => {
  const cfg = `variable "a" { default = "default" }
variable "b" { default = "default" }
variable "c" {}
variable "d" { default = "default" }
resource "aws_iam_role" "r" {
  name = "\${var.a}-\${var.b}-\${var.c}"
  assume_role_policy = "{}"
}
resource "aws_iam_role" "s" {
  name = var.d
  assume_role_policy = "{}"
}
`;
  const r = load({
    'main.tf': cfg,
    'terraform.tfvars': 'a = "tfvars"\nb = "tfvars"\n',
    'x.auto.tfvars.json': '{ "b": "auto", "c": "auto" }',
    'prod.tfvars': 'd = "prod"\n',
  });
  assert.equal(r.problems, []);
  assert.is(roles(r)[0].name?.value, 'tfvars-auto-auto');
  assert.ok(!roles(r)[0].name?.unknown);
  assert.ok(roles(r)[1].name?.unknown, 'd is set by prod.tfvars, which applies only with -var-file');
});

test('count, for_each and dynamic blocks: one role per instance, references by index and key', () => {
  const r = load({
    'main.tf': `locals {
  teams = { a = "team-a", b = "team-b" }
}

resource "aws_iam_role" "team" {
  for_each = local.teams
  name     = "\${each.value}-app"
  assume_role_policy = data.aws_iam_policy_document.team[each.key].json
}

data "aws_iam_policy_document" "team" {
  for_each = local.teams
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = ["${ARN}"]
    }
    dynamic "condition" {
      for_each = ["app", "worker"]
      iterator = sa
      content {
        test     = "StringEquals"
        variable = "${HOST}:sub"
        values   = ["system:serviceaccount:\${each.value}:\${sa.value}"]
      }
    }
  }
}

resource "aws_iam_role" "maybe" {
  count = var.create ? 1 : 0
  name  = "maybe"
  assume_role_policy = "{}"
}

resource "aws_iam_role" "none" {
  count = 0
  name  = "none"
  assume_role_policy = "{}"
}

resource "kubernetes_service_account" "b" {
  metadata {
    name        = "app"
    namespace   = "team-b"
    annotations = { "eks.amazonaws.com/role-arn" = aws_iam_role.team["b"].arn }
  }
}
`,
  });
  assert.equal(r.problems, []);
  assert.equal(roles(r).map((x) => x.key), [
    'iam:Role/team-a-app@main.tf#aws_iam_role.team["a"]',
    'iam:Role/team-b-app@main.tf#aws_iam_role.team["b"]',
    'iam:Role/maybe@main.tf#aws_iam_role.maybe[0]',
  ]);
  const b = role(r, 'role team-b-app');
  // The two dynamic condition blocks have the same test and variable: their values are ORed under one key.
  const [sub] = conditions(b, 'sub');
  assert.equal(sub.values.map((v) => v.value), ['system:serviceaccount:team-b:app', 'system:serviceaccount:team-b:worker']);
  assert.is(sas(r)[0].annotations.get('eks.amazonaws.com/role-arn')!.value.target, b.key);
});

test('an unknown for_each of a dynamic statement makes the statements unknown', () => {
  const r = load({
    'main.tf': `data "aws_iam_policy_document" "d" {
  dynamic "statement" {
    for_each = var.statements
    content {
      actions = ["sts:AssumeRoleWithWebIdentity"]
    }
  }
}
resource "aws_iam_role" "r" {
  name = "r"
  assume_role_policy = data.aws_iam_policy_document.d.json
}
`,
  });
  assert.ok(role(r, 'role r').trust!.statementEntry!.value.unknown);
});

test('a policy document no role uses, that grants only sts: actions, is a trust policy of its own', () => {
  const doc = (name: string, action: string) => `data "aws_iam_policy_document" "${name}" {
  statement {
    actions = ["${action}"]
    principals {
      type        = "Federated"
      identifiers = ["${ARN}"]
    }
  }
}
`;
  const r = load({ 'main.tf': doc('trust', 'sts:AssumeRoleWithWebIdentity') + doc('bucket', 's3:GetObject') });
  assert.equal(roles(r).map((x) => [x.label, x.key]), [['trust policy data.aws_iam_policy_document.trust', 'iam:Role@main.tf#data.aws_iam_policy_document.trust']]);
});

test('terraform-aws-modules IRSA module, v5 (-eks) and v6: the trust policy the module creates, positioned on its inputs', () => {
  const r = load({
    'main.tf': `module "v5" {
  source  = "terraform-aws-modules/iam/aws//modules/iam-role-for-service-accounts-eks"
  version = "~> 5.0"

  role_name                  = "team-a-app"
  assume_role_condition_test = "StringLike"
  oidc_providers = {
    main = {
      provider_arn               = "${ARN}"
      namespace_service_accounts = ["team-a:app", "team-a:*"]
    }
  }
}

module "v6" {
  source = "git::https://github.com/terraform-aws-modules/terraform-aws-iam.git//modules/iam-role-for-service-accounts?ref=v6.5.0"
  name   = "ebs"
  oidc_providers = {
    one = {
      provider_arn               = module.eks.oidc_provider_arn
      namespace_service_accounts = ["kube-system:ebs-csi-controller-sa"]
    }
  }
}

module "off" {
  source      = "terraform-aws-modules/iam/aws//modules/iam-role-for-service-accounts-eks"
  create_role = false
}

resource "kubernetes_service_account" "app" {
  metadata {
    name        = "app"
    namespace   = "team-a"
    annotations = { "eks.amazonaws.com/role-arn" = module.v5.iam_role_arn }
  }
}
`,
  });
  assert.equal(r.problems, []);
  assert.equal(roles(r).map((x) => x.key), ['iam:Role/team-a-app@main.tf#module.v5.aws_iam_role.this[0]', 'iam:Role/module.v6.aws_iam_role.this[0]@main.tf#module.v6.aws_iam_role.this[0]']);
  const v5 = roles(r)[0];
  const s = v5.trust!.statements[0];
  assert.equal(s.actions.map((a) => a.value), ['sts:AssumeRoleWithWebIdentity']);
  assert.is(r.text(s.actions[0]), '"terraform-aws-modules/iam/aws//modules/iam-role-for-service-accounts-eks"', 'what the module fixes points at its source');
  assert.is(r.text(s.federated[0]), `"${ARN}"`);
  const [sub] = conditions(v5, 'sub');
  assert.is(sub.operator.value, 'StringLike');
  assert.is(r.text(sub.operator), '"StringLike"');
  assert.is(sub.key.value, `${HOST}:sub`);
  assert.equal(sub.values.map((v) => [v.value, r.text(v)]), [
    ['system:serviceaccount:team-a:app', '"team-a:app"'],
    ['system:serviceaccount:team-a:*', '"team-a:*"'],
  ]);
  assert.equal(pos(posSpan(sub.values[1].inner!, 29, 30)), [10, 59, 10, 60], 'the "*" of the input');
  const [aud] = conditions(v5, 'aud');
  assert.equal(aud.values.map((v) => v.value), ['sts.amazonaws.com']);
  assert.is(sas(r)[0].annotations.get('eks.amazonaws.com/role-arn')!.value.target, v5.key);

  const v6 = roles(r)[1];
  assert.ok(v6.name?.unknown, 'v6 uses the name as a prefix by default');
  const [sub6] = conditions(v6, 'sub');
  assert.ok(sub6.key.unknown && sub6.key.value.endsWith(':sub'), 'the provider is not known, the claim is');
  assert.equal(sub6.values.map((v) => v.value), ['system:serviceaccount:kube-system:ebs-csi-controller-sa']);
  assert.is(sub6.operator.value, 'StringEquals');
});

test('Terraform JSON syntax: the same recognisers, strings as templates, variable defaults as literals', () => {
  const r = load({
    'main.tf.json': JSON.stringify(
      {
        variable: { ns: { default: 'team-a' } },
        data: {
          aws_iam_policy_document: {
            trust: {
              statement: [
                {
                  actions: ['sts:AssumeRoleWithWebIdentity'],
                  principals: [{ type: 'Federated', identifiers: [ARN] }],
                  condition: [{ test: 'StringEquals', variable: `${HOST}:sub`, values: ['system:serviceaccount:${var.ns}:app'] }],
                },
              ],
            },
          },
        },
        resource: {
          aws_iam_role: { app: { name: 'app', assume_role_policy: '${data.aws_iam_policy_document.trust.json}' } },
          kubernetes_service_account: { app: { metadata: { name: 'app', namespace: '${var.ns}', annotations: { 'eks.amazonaws.com/role-arn': '${aws_iam_role.app.arn}' } } } },
        },
      },
      null,
      2,
    ),
  });
  assert.equal(r.problems, []);
  const app = role(r, 'role app');
  const [sub] = conditions(app, 'sub');
  assert.is(sub.values[0].value, 'system:serviceaccount:team-a:app');
  assert.is(r.text(sub.values[0]), '"system:serviceaccount:${var.ns}:app"');
  assert.is(sas(r)[0].key, 'k8s:ServiceAccount/team-a/app');
  assert.is(sas(r)[0].annotations.get('eks.amazonaws.com/role-arn')!.value.target, app.key);
});

test('a file that does not parse is a problem at its position; the other files are read', () => {
  const r = load({ 'variables.tf': VARIABLES, 'main.tf': MAIN, 'broken.tf': 'resource "aws_iam_role" "x" {\n  name = "x"\n  assume_role_policy = jsonencode({\n}\n' });
  assert.equal(r.problems.map((p) => [p.code, p.message, p.span.file, p.span.line, p.span.column]), [['HCL_SYNTAX', "syntax error: missing ')'", 'broken.tf', 5, 1]]);
  assert.equal(roles(r).map((x) => x.label), ['role team-a-app'], 'the broken block is not read');
});

test('override files replace the arguments of the blocks they name', () => {
  const r = load({ 'variables.tf': VARIABLES, 'main.tf': MAIN, 'main_override.tf': 'resource "aws_iam_role" "app" {\n  name = "overridden"\n}\n' });
  assert.equal(roles(r).map((x) => x.name?.value), ['overridden']);
  assert.ok(roles(r)[0].trust!.statements.length === 1, 'the other arguments are kept');
});

test('directories are configurations of their own; directories naming nothing read are not parsed', () => {
  const files = [
    { path: 'a/main.tf', text: 'resource "aws_instance" "x" {}\n' },
    { path: 'a/vars.tfvars', text: 'x = 1\n' },
  ];
  assert.not.ok(needsHclParser(files));
  assert.ok(needsHclParser([...files, { path: 'b/iam.tf', text: 'resource "aws_iam_role" "x" {}\n' }]));
  const r = load({ 'a/variables.tf': VARIABLES, 'b/main.tf': MAIN });
  assert.ok(roles(r)[0].trust!.statements[0].federated[0].unknown, 'a/ variables are not b/ variables');
});

test('policy documents merge source and override documents as the provider does', () => {
  const s = (value: string): PNode => ({ type: 'scalar', value, span: { file: 'f', line: 1, column: 1, endLine: 1, endColumn: 1 } });
  const seq = (...items: PNode[]): PNode => ({ type: 'seq', items, span: s('').span });
  const m = (o: Record<string, PNode>): PNode => ({ type: 'map', span: s('').span, entries: Object.entries(o).map(([k, v]) => ({ key: s(k) as never, value: v })) });
  const st = (sid: string, action: string) => m({ ...(sid ? { sid: s(sid) } : {}), actions: seq(s(action)) });
  const source = s(JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'A', Effect: 'Allow', Action: 'sts:a' }, { Effect: 'Allow', Action: 'sts:b' }] }));
  const override = s(JSON.stringify({ Statement: [{ Sid: 'B', Effect: 'Deny', Action: 'sts:o' }] }));
  const doc = policyDocument(m({ source_policy_documents: seq(source), override_policy_documents: seq(override), statement: seq(st('A', 'sts:own'), st('B', 'sts:c'), st('', 'sts:d')) }), TERRAFORM_NAMES, s('').span);
  assert.equal(toJS(doc), {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'A', Effect: 'Allow', Action: 'sts:own' },
      { Effect: 'Allow', Action: 'sts:b' },
      { Sid: 'B', Effect: 'Deny', Action: 'sts:o' },
      { Effect: 'Allow', Action: 'sts:d' },
    ],
  });
  const principals = policyDocument(m({ statement: seq(m({ principals: seq(m({ type: s('*'), identifiers: seq(s('*')) })), condition: seq(m({ test: s('StringLike'), variable: s('k'), values: seq(s('&{aws:username}')) })) })) }), TERRAFORM_NAMES, s('').span);
  assert.equal(toJS(principals), { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Condition: { StringLike: { k: '${aws:username}' } } }] });
  const dup = policyDocument(m({ source_policy_documents: seq(source, source) }), TERRAFORM_NAMES, s('').span);
  assert.ok(dup.entries.find((e) => e.key.value === 'Statement')!.value.unknown, 'duplicate Sids among the sources are an error: not known');
});

test('mutated Terraform files (characters cut, tokens inserted, ranges repeated) never crash the loader or a rule', () => {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(tf|tfvars|tf\.json)$/.test(e.name)) files.push(p);
    }
  };
  walk(FIXTURES);
  files.sort();
  assert.ok(files.length >= 20, `${files.length} Terraform files`);
  let seed = 7;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  const TOKENS = ['{', '}', '[', ']', '(', ')', '"', '${', '%{', '<<EOF\n', '\nEOF\n', '=', ',', '.', '[*]', 'null', '-1', 'true', 'var.x', 'local.y', 'each.key', 'count.index', 'dynamic "statement" {', 'for x in y :', '?', ':', '...', '\\', '\n', 'jsonencode(', 'replace(', '"/(/"', 'aws_iam_role.app.arn', '~', '#', '/*'];
  let runs = 0;
  for (const f of files) {
    const text = fs.readFileSync(f, 'utf8');
    const dir = path.dirname(f);
    const siblings = fs.readdirSync(dir).filter((x) => /\.(tf|tfvars|tf\.json|ya?ml)$/.test(x)).sort();
    for (let m = 0; m < 4; m++) {
      let t = text;
      for (let k = 0; k < 1 + rnd(3); k++) {
        const at = rnd(t.length + 1);
        const kind = rnd(3);
        if (kind === 0) t = t.slice(0, at) + t.slice(Math.min(t.length, at + 1 + rnd(20)));
        else if (kind === 1) t = t.slice(0, at) + TOKENS[rnd(TOKENS.length)] + t.slice(at);
        else {
          const b = rnd(t.length + 1);
          const [x, y] = [Math.min(at, b), Math.max(at, b)];
          t = t.slice(0, x) + t.slice(x, y).repeat(2) + t.slice(y);
        }
      }
      const sources = siblings.map((x) => ({ path: x, text: x === path.basename(f) ? t : fs.readFileSync(path.join(dir, x), 'utf8') }));
      const r = loadSources(sources);
      assert.equal(r.problems.filter((p) => p.code === 'TF_READ').map((p) => p.message), [], `${path.relative(FIXTURES, f)} mutant ${m}`);
      runRules(RULES, new Index(r.resources), {});
      runs++;
    }
  }
  assert.ok(runs >= 80, `${runs} mutants`);
});

test.run();
