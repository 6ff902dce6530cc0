/** Every rule, listed explicitly in alphabetical order of id. */
import type { Rule } from '../src/engine/types.js';
import k8sTokenExpirationMinimum from './k8s/token-expiration-minimum.js';
import parseSyntax from './parse/syntax.js';

export const RULES: readonly Rule[] = [
  k8sTokenExpirationMinimum,
  parseSyntax,
] as unknown as readonly Rule[];
