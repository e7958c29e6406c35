/**
 * An HTTP Task's `Transform: { RequestBodyEncoding: "URL_ENCODED" }`: the JSON RequestBody sent as
 * `application/x-www-form-urlencoded`, arrays written in the `RequestEncodingOptions.ArrayFormat`
 * AWS documents (default INDICES), for `{"array": ["a", "b"]}`:
 *   INDICES  array[0]=a&array[1]=b     REPEAT    array=a&array=b
 *   COMMAS   array=a,b                 BRACKETS  array[]=a&array[]=b
 * Nested objects become `key[sub]=value` (our choice where AWS's guide shows no example).
 */
import type { Json, JsonObject } from '../language/json.js';

export const ARRAY_FORMATS = ['INDICES', 'REPEAT', 'COMMAS', 'BRACKETS'] as const;
export type ArrayFormat = (typeof ARRAY_FORMATS)[number];

/** The body as form text; brackets stay literal, as AWS's examples write them. */
export function encodeUrlEncodedBody(body: JsonObject, format: ArrayFormat): string {
  const out: string[] = [];
  for (const [key, value] of Object.entries(body)) appendValue(out, encodeURIComponent(key), value, format);
  return out.join('&');
}

function appendValue(out: string[], key: string, value: Json, format: ArrayFormat): void {
  if (Array.isArray(value)) {
    if (format === 'COMMAS' && value.every(isScalar)) {
      out.push(`${key}=${value.map((v) => encodeScalar(v)).join(',')}`);
      return;
    }
    value.forEach((item, i) => {
      const itemKey = format === 'INDICES' ? `${key}[${i}]` : format === 'BRACKETS' ? `${key}[]` : key;
      // An array of objects needs the index to keep each object's fields together.
      appendValue(out, isScalar(item) || format === 'INDICES' ? itemKey : `${key}[${i}]`, item, format);
    });
    return;
  }
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) appendValue(out, `${key}[${encodeURIComponent(k)}]`, v, format);
    return;
  }
  out.push(`${key}=${encodeScalar(value)}`);
}

const isScalar = (v: Json): boolean => v === null || typeof v !== 'object';

/** `null` as an empty value (our choice); numbers and booleans as JSON writes them. */
const encodeScalar = (v: Json): string => (v === null ? '' : encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v)));
