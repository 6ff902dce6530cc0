/** The validated configuration (`.irsa-lint.yaml`) as the linter uses it. */
import type { Facts, Level } from '../engine/types.js';
import type { Span } from '../model/span.js';

export const CONFIG_FILE_NAMES = ['.irsa-lint.yaml', '.irsa-lint.yml', '.irsa-lint.json'] as const;

export type Preset = 'recommended' | 'strict';
export type FailOn = 'error' | 'warning' | 'note' | 'never';

/** One `ignore:` entry, with the positions that bookkeeping findings point at. */
export interface IgnoreEntry {
  /** Rule id or `domain/*`. */
  readonly rule: string;
  readonly file?: string;
  /** Parsed JSON pointer segments (RFC 6901, unescaped). */
  readonly pointer?: readonly string[];
  readonly sid?: string;
  readonly resource?: string;
  /** Empty when missing. */
  readonly reason: string;
  /** `YYYY-MM-DD`, the last day the entry applies. */
  readonly expires?: string;
  /** Span of the entry (its map). */
  readonly span: Span;
  readonly ruleSpan: Span;
  readonly expiresSpan?: Span;
}

export interface LoadedConfig {
  /** Absolute path of the file; absent for a configuration built in code. */
  readonly file?: string;
  /** Directory that globs are relative to (the file's directory). */
  readonly dir: string;
  readonly extends?: Preset;
  /** Levels by rule id or `domain/*`, as written. */
  readonly rules: Readonly<Record<string, Level>>;
  /** Options by rule id (`[level, options]`), for rules that declare options. */
  readonly ruleOptions: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly include?: readonly string[];
  readonly exclude?: readonly string[];
  readonly failOn?: FailOn;
  readonly maxWarnings?: number;
  readonly facts?: Facts;
  readonly ignore: readonly IgnoreEntry[];
}

/** A problem in a configuration file, with its position. */
export interface ConfigDiagnostic {
  /** Display path of the file. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

export class ConfigError extends Error {
  constructor(readonly diagnostics: readonly ConfigDiagnostic[]) {
    super(diagnostics.map((d) => `${d.file}:${d.line}:${d.column}: ${d.message}`).join('\n'));
  }
}
