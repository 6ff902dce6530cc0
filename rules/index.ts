/** Every rule, listed explicitly in alphabetical order of id. */
import type { Rule } from '../src/engine/types.js';
import parseSyntax from './parse/syntax.js';

export const RULES: readonly Rule[] = [
  parseSyntax,
] as unknown as readonly Rule[];
