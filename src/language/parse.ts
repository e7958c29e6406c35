/**
 * Definition text → JSON value. JSON as AWS accepts it (syntax errors become an
 * INVALID_JSON_DESCRIPTION diagnostic with line and column); YAML for files on disk, when asked.
 */
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { Diagnostic } from './definition.js';
import { scanJson, type DuplicateKey } from './json-scan.js';

export interface ParseOptions {
  /** Accept YAML when the text is not a JSON object/array (files; AWS's API takes JSON only). */
  readonly allowYaml?: boolean;
}

export interface ParsedDefinitionText {
  readonly value: unknown;
  /** Keys that appear twice in one object (JSON only): the validator reports duplicated state names. */
  readonly duplicateKeys: readonly DuplicateKey[];
}

function invalidJson(message: string): Diagnostic {
  return { code: 'INVALID_JSON_DESCRIPTION', path: '', message, severity: 'ERROR' };
}

/** The full result the validator uses: the value plus the duplicate keys JSON.parse hides. */
export function parseDefinitionDocument(text: string, options: ParseOptions = {}): ParsedDefinitionText | { diagnostics: Diagnostic[] } {
  if (typeof text !== 'string' || text.trim() === '') {
    // AWS: MISSING_DESCRIPTION "Received a null or empty workflow input."
    return { diagnostics: [{ code: 'MISSING_DESCRIPTION', path: '', message: 'Received a null or empty workflow input.', severity: 'ERROR' }] };
  }
  const first = text.trimStart()[0];
  if (options.allowYaml && first !== '{' && first !== '[') return parseYamlText(text);
  const scan = scanJson(text);
  if (scan.error) {
    const { message, line, column } = scan.error;
    return { diagnostics: [invalidJson(`${message} at [line: ${line}, column: ${column}]`)] };
  }
  try {
    // JSON.parse defines `__proto__` as an own data property, so no prototype is touched.
    return { value: JSON.parse(text) as unknown, duplicateKeys: scan.duplicateKeys };
  } catch (e) {
    return { diagnostics: [invalidJson(e instanceof Error ? e.message : String(e))] };
  }
}

function parseYamlText(text: string): ParsedDefinitionText | { diagnostics: Diagnostic[] } {
  try {
    // uniqueKeys (the default) rejects duplicated keys; maxAliasCount bounds alias expansion ("billion laughs").
    const value: unknown = parseYaml(text, { maxAliasCount: 100, prettyErrors: true });
    return { value, duplicateKeys: [] };
  } catch (e) {
    if (e instanceof YAMLParseError) {
      const where = e.linePos?.[0];
      const at = where ? ` at [line: ${where.line}, column: ${where.col}]` : '';
      return { diagnostics: [invalidJson(`${e.message.split('\n')[0]}${at}`)] };
    }
    return { diagnostics: [invalidJson(e instanceof Error ? e.message : String(e))] };
  }
}

/** Definition text → its JSON value, or diagnostics (INVALID_JSON_DESCRIPTION with line and column). */
export function parseDefinitionText(text: string, options: ParseOptions = {}): { value: unknown } | { diagnostics: Diagnostic[] } {
  const parsed = parseDefinitionDocument(text, options);
  return 'diagnostics' in parsed ? parsed : { value: parsed.value };
}
