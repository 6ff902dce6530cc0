// Types of scripts/gen-docs.mjs for the tests that import it.
export const DOCS_DIR: string;
export function renderDocs(mods?: unknown): Promise<{ pages: Map<string, string>; note: string }>;
export function existingPages(note: string): Map<string, string>;
export function compareDocs(rendered: { pages: Map<string, string>; note: string }): { file: string; problem: string }[];
