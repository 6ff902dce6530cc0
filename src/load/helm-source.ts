/** Helm's `# Source: <chart>/templates/<file>` comments at the head of rendered documents (read by the YAML loader). */

/** The rule of notes about templated files and Helm charts. */
export const TEMPLATE_RULE = 'parse/template';

/** The template a rendered document names in the `# Source:` comment at its head, with the comment's position. */
export interface TemplateSource {
  /** As written: `<chart>/templates/<file>` (or `<chart>/charts/<sub>/templates/<file>`). */
  readonly path: string;
  /** 1-based line of the comment in the stream. */
  readonly line: number;
}

const SOURCE = /^#[ \t]*Source:[ \t]*(\S[^\r\n]*?)[ \t]*\r?$/;

/**
 * The `# Source:` comment among the comment lines that open a document (after its `---`), if any.
 * `firstLine` is the stream line of the chunk's first line.
 */
export function sourceOf(chunk: string, firstLine: number): TemplateSource | undefined {
  let line = firstLine;
  let start = 0;
  while (start < chunk.length) {
    const end = chunk.indexOf('\n', start);
    const text = chunk.slice(start, end === -1 ? chunk.length : end);
    const trimmed = text.trim();
    if (trimmed !== '' && !trimmed.startsWith('---')) {
      if (!trimmed.startsWith('#')) return undefined;
      const m = SOURCE.exec(trimmed);
      if (m) return { path: m[1], line };
    } else if (trimmed.startsWith('---') && trimmed.length > 3 && !/^---[ \t]+#/.test(trimmed)) return undefined;
    if (end === -1) break;
    start = end + 1;
    line++;
  }
  return undefined;
}
