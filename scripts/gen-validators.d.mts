// Types of scripts/gen-validators.mjs for the tests that import it.
export const SCHEMA: string;
export const OUT: string;
export function generate(): string;
