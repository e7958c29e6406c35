import { isJsonObject, type Json } from '../json.js';
import type { PathToken } from './ast.js';

/**
 * Texts in the shape Jayway JsonPath (the Java library behind AWS's JSONPath) prints them: AWS puts
 * them word for word in causes, e.g. `Invalid path '$.a' : No results for path: $['a']`.
 */
export function tokenFragment(token: PathToken): string {
  switch (token.kind) {
    case 'property':
      return `[${token.names.map((n) => `'${n}'`).join(',')}]`;
    case 'index':
      return `[${token.indexes.join(',')}]`;
    case 'slice':
      return `[${token.from ?? ''}:${token.to ?? ''}]`;
    case 'wildcard':
      return '[*]';
    case 'scan':
      return '..';
    case 'filter':
      return '[?]';
  }
}

/** `$['a']['b'][0]`: how Jayway names a path in its messages. */
export function bracketPath(tokens: readonly PathToken[]): string {
  let out = '$';
  for (const t of tokens) out += tokenFragment(t);
  return out;
}

/** The Java class Jackson maps a JSON value to (named in Jayway's "Expected to find an object" message). */
export function javaClassName(value: Json): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return 'java.lang.String';
  if (typeof value === 'boolean') return 'java.lang.Boolean';
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return 'java.lang.Double';
    return Math.abs(value) <= 2147483647 ? 'java.lang.Integer' : 'java.lang.Long';
  }
  if (Array.isArray(value)) return 'java.util.ArrayList';
  return 'java.util.LinkedHashMap';
}

/** Java's toString of the value Jackson parsed: `{a=1, b=[1, 2]}`. */
export function javaToString(value: Json): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `[${value.map(javaToString).join(', ')}]`;
  if (!isJsonObject(value)) return String(value);
  return `{${Object.keys(value)
    .map((k) => `${k}=${javaToString(value[k])}`)
    .join(', ')}}`;
}
