/**
 * The INI dialect of `~/.aws/config` and `~/.aws/credentials` (botocore reads them with Python's
 * `configparser.RawConfigParser`); ccoctl writes the same format into a Secret's `credentials` key.
 *
 * - Lines end at `\n` (a trailing `\r` is trimmed). Line numbers and columns are 0-based indices
 *   into the raw text, so `text.split('\n')[e.line].slice(e.keyStart, e.keyEnd) === e.key`.
 * - A line whose first non-blank character is `#` or `;` is a comment. Inline comments are not
 *   recognised: `region = us-east-1 # x` has the value `us-east-1 # x`, as in botocore.
 * - `key = value` or `key: value`, split at the first `=` or `:`; key and value are trimmed. Keys
 *   keep their case here (botocore lowercases them). `key =` gives the value ''.
 * - Indented lines that follow an entry are continuation lines (botocore's nested sub-sections,
 *   `s3 =\n  max_concurrent_requests = 10`). They are skipped: the entry keeps the value written
 *   on its own line, and the nested keys are not entries.
 * - Problems (botocore would refuse the file for most of them): non-blank lines before the first
 *   section, malformed headers, lines without a delimiter, duplicate sections and keys (all
 *   occurrences are still returned).
 */

export interface IniEntry {
  key: string;
  value: string;
  /** 0-based line index within the text. */
  line: number;
  /** 0-based columns within that line; `valueStart === valueEnd` for an empty value. */
  keyStart: number;
  keyEnd: number;
  valueStart: number;
  valueEnd: number;
}

export interface IniSection {
  /** As written between the brackets, trimmed: `default`, `profile foo`, `foo`. */
  name: string;
  /** 0-based line index of the header. */
  line: number;
  entries: IniEntry[];
}

export interface IniProblem {
  /** 0-based line index. */
  line: number;
  message: string;
}

export function parseIni(text: string): { sections: IniSection[]; problems: IniProblem[] } {
  const sections: IniSection[] = [];
  const problems: IniProblem[] = [];
  const lines = text.split('\n');
  let section: IniSection | undefined;
  let seenKeys = new Set<string>();
  let entryIndent = -1; // indentation of the last entry of the current section, -1 when none
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n];
    let a = 0;
    let b = line.length;
    while (a < b && isBlank(line.charCodeAt(a))) a++;
    while (b > a && isBlank(line.charCodeAt(b - 1))) b--;
    if (a === b) continue;
    const first = line[a];
    if (first === '#' || first === ';') continue;
    if (entryIndent >= 0 && a > entryIndent) continue; // continuation line
    if (first === '[') {
      const close = line.lastIndexOf(']', b - 1);
      const name = close > a ? line.slice(a + 1, close).trim() : '';
      if (close <= a) problems.push({ line: n, message: "section header is missing ']'" });
      else if (name === '') problems.push({ line: n, message: 'empty section name' });
      else {
        if (sections.some((s) => s.name === name)) problems.push({ line: n, message: `duplicate section [${name}]` });
        section = { name, line: n, entries: [] };
        sections.push(section);
      }
      // After a bad header, skip its entries rather than add them to the previous section.
      if (close <= a || name === '') section = undefined;
      seenKeys = new Set();
      entryIndent = -1;
      continue;
    }
    if (!section) {
      problems.push({ line: n, message: sections.length === 0 ? 'text before the first [section] header' : 'line outside of any section (after an invalid header)' });
      continue;
    }
    let d = a;
    while (d < b && line[d] !== '=' && line[d] !== ':') d++;
    if (d === b) {
      problems.push({ line: n, message: `expected 'key = value', got '${line.slice(a, b)}'` });
      continue;
    }
    let keyEnd = d;
    while (keyEnd > a && isBlank(line.charCodeAt(keyEnd - 1))) keyEnd--;
    let valueStart = d + 1;
    while (valueStart < b && isBlank(line.charCodeAt(valueStart))) valueStart++;
    const key = line.slice(a, keyEnd);
    if (key === '') {
      problems.push({ line: n, message: `missing key before '${line[d]}'` });
      continue;
    }
    if (seenKeys.has(key)) problems.push({ line: n, message: `duplicate key '${key}' in section [${section.name}]` });
    seenKeys.add(key);
    section.entries.push({ key, value: line.slice(valueStart, b), line: n, keyStart: a, keyEnd, valueStart, valueEnd: b });
    entryIndent = a;
  }
  return { sections, problems };
}

/** Space, tab, `\r`, form feed, vertical tab and a byte order mark count as blank. */
function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0c || c === 0x0b || c === 0xfeff;
}

/**
 * The profile a section defines: `default` ⇒ `default`, `profile foo` ⇒ `foo` (quotes around the
 * name are removed, as botocore's shlex split does), bare `foo` ⇒ `foo` (credentials-file style).
 * `sso-session x` and `services x` sections are not profiles: undefined.
 */
export function profileName(section: string): string | undefined {
  const s = section.trim();
  if (s === '') return undefined;
  const m = /^(profile|sso-session|services)[ \t]+(.*)$/.exec(s);
  if (!m) return s;
  if (m[1] !== 'profile') return undefined;
  let name = m[2].trim();
  if (name.length >= 2 && (name[0] === '"' || name[0] === "'") && name[name.length - 1] === name[0]) name = name.slice(1, -1);
  return name === '' ? undefined : name;
}
