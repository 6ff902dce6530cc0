/**
 * The one constructor of findings: rule findings (the engine's `report`), loader problems
 * (`parse/syntax`) and suppression bookkeeping (`suppress/*`) are all built here, from a rule's
 * metadata and a message id, so every finding has a rendered message from its rule's templates.
 */
import type { Span } from '../model/span.js';
import type { Finding, RuleMeta, Severity } from './types.js';

export type MessageData = Readonly<Record<string, string | number>>;

/** A location a finding can be given: a span, or anything located. */
export type At = Span | { readonly span: Span };

export function spanOf(at: At): Span {
  return 'span' in at ? at.span : at;
}

export class MessageError extends Error {}

/**
 * Fill `{{name}}` placeholders. Unknown placeholders are left as written, or, with `strict`
 * (rule tests, as ESLint's RuleTester does), are an error naming the placeholder.
 */
export function interpolate(template: string, data: MessageData = {}, strict = false): string {
  return template.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (m, k: string) => {
    if (k in data) return String(data[k]);
    if (strict) throw new MessageError(`no data for placeholder {{${k}}} in "${template}"`);
    return m;
  });
}

export interface FindingInit {
  readonly messageId: string;
  readonly data?: MessageData;
  readonly severity: Severity;
  readonly at: At;
  readonly related?: readonly { readonly at: At; readonly label: string }[];
  /** Key of the resource the finding is about. */
  readonly subject: string;
}

/** A finding of `rule`; throws when the message id is not one of the rule's messages. */
export function createFinding(rule: RuleMeta, init: FindingInit, strict = false): Finding {
  const template = (rule.messages as Readonly<Record<string, string>>)[init.messageId];
  if (template === undefined) throw new MessageError(`rule ${rule.id} reported unknown messageId "${init.messageId}"`);
  return {
    ruleId: rule.id,
    messageId: init.messageId,
    message: interpolate(template, init.data, strict),
    severity: init.severity,
    location: spanOf(init.at),
    related: (init.related ?? []).map((r) => ({ location: spanOf(r.at), label: r.label })),
    subject: init.subject,
    fingerprint: '',
  };
}
