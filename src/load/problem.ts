/** What loaders report besides resources: problems at a position, and documents rendered from templates. */
import type { Span } from '../model/span.js';
import type { TemplateSource } from './helm-source.js';

export interface ParseProblem {
  readonly message: string;
  readonly code: string;
  readonly span: Span;
  /** The rule that reports it (default `parse/syntax`), with the message id and data of its message. */
  readonly rule?: { readonly id: string; readonly messageId: string; readonly data: Readonly<Record<string, string>> };
}

/** A document of the stream that Helm rendered from a template (its `# Source:` comment), by lines. */
export interface RenderedDoc {
  readonly file: string;
  /** First and last line of the document in the stream, 1-based, inclusive. */
  readonly line: number;
  readonly endLine: number;
  readonly source: TemplateSource;
}
